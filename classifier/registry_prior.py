"""Use the company registry for sector: combine the text model's sector probabilities with the
linked company's registry sector as a calibrated prior.

p(sector | text, company) is proportional to p_model(sector | text) * prior(sector), where prior puts
`weight` on the registry's sector and spreads the rest evenly. `weight` is fitted on validation
(log-likelihood). Articles whose company is not linked keep the model's probabilities unchanged, and
an analyst's correction of a company's sector applies at the next classification, without retraining.
"""

from __future__ import annotations

import numpy as np

WEIGHTS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)


def combine(probs: np.ndarray, company_sectors: list[str | None], sectors: list[str], weight: float) -> np.ndarray:
    """Rows with a known company sector are multiplied by the registry prior and renormalised."""
    out = np.array(probs, dtype=np.float64, copy=True)
    k = len(sectors)
    if weight <= 0 or k < 2:
        return out
    index = {s: i for i, s in enumerate(sectors)}
    base = (1.0 - weight) / (k - 1)
    for row, sec in enumerate(company_sectors):
        if sec is None or sec not in index:
            continue
        prior = np.full(k, base)
        prior[index[sec]] = weight
        p = out[row] * prior
        out[row] = p / p.sum()
    return out


def fit_weight(probs: np.ndarray, labels: np.ndarray, company_sectors: list[str | None], sectors: list[str],
               grid: tuple[float, ...] = WEIGHTS) -> float:
    """The prior weight with the best validation log-likelihood on articles with a linked company."""
    known = [i for i, s in enumerate(company_sectors) if s in sectors]
    if len(known) < 5:
        return 0.0
    p = probs[known]
    y = np.asarray(labels)[known]
    cs = [company_sectors[i] for i in known]
    best, best_ll = 0.0, -np.inf
    for w in grid:
        if 0 < w <= 1 / len(sectors):  # not a prior for the registry's sector: never an option
            continue
        q = combine(p, cs, sectors, w) if w > 0 else p
        ll = float(np.log(np.clip(q[np.arange(len(y)), y], 1e-12, None)).mean())
        if ll > best_ll + 1e-9:
            best, best_ll = w, ll
    return best


def company_sectors_for(linker, sector_of: dict[str, str | None], titles: list[str], bodies: list[str]) -> list[str | None]:
    """The registry sector of each article's linked main company (None when not linked or not a market company)."""
    out: list[str | None] = []
    for t, b in zip(titles, bodies, strict=True):
        m = linker.main_company(t, b or "")
        out.append(sector_of.get(m.company_id) if m is not None and m.kind != "investor" else None)
    return out
