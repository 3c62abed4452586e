"""The analysts' Streamlit app; queries.py and charts.py are pure and import no Streamlit."""
