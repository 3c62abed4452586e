"""Fine-tuned BERT-family classifier: sector and funding signal, two heads on one encoder."""
