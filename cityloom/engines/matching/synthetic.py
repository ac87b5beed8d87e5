"""Seeded synthetic requests and candidates, for the benchmark and the property tests.

Texts are made of pseudo-words: each text mixes words of one theme (so needs and practices
on the same theme resemble each other) with words drawn from a Zipf-like global
distribution (so common words exist and max_df has something to drop).
"""

from __future__ import annotations

import numpy as np

from .model import AXES, Candidate, Request

LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "pl", "nl", "sv", "el")
REGIONS = ("north", "south", "east", "west", "centre", "baltic", "balkans", "iberia")
_SYLLABLES = ("ka", "lo", "mi", "re", "tu", "sa", "vé", "no", "di", "ße", "po", "ny", "ča", "le")


class TextGenerator:
    """Pseudo-word texts: `n_themes` themes of `theme_size` words over a global vocabulary."""

    def __init__(
        self,
        rng: np.random.Generator,
        *,
        vocabulary_size: int = 3000,
        n_themes: int = 40,
        theme_size: int = 60,
    ) -> None:
        lengths = rng.integers(2, 5, size=vocabulary_size)
        syllables = rng.integers(0, len(_SYLLABLES), size=(vocabulary_size, 4))
        words = {
            "".join(_SYLLABLES[s] for s in syllables[w, : lengths[w]])
            for w in range(vocabulary_size)
        }
        self.words = np.array(sorted(words), dtype=object)
        ranks = np.arange(1, self.words.size + 1)
        self.frequency = (1.0 / ranks**1.1) / np.sum(1.0 / ranks**1.1)
        self.themes = rng.integers(0, self.words.size, size=(n_themes, theme_size))
        self.rng = rng

    @property
    def n_themes(self) -> int:
        return self.themes.shape[0]

    def text(self, theme: int, n_words: int, *, theme_share: float = 0.6) -> str:
        from_theme = self.rng.random(n_words) < theme_share
        words = np.where(
            from_theme,
            self.rng.choice(self.themes[theme], size=n_words),
            self.rng.choice(self.words.size, size=n_words, p=self.frequency),
        )
        return " ".join(self.words[words])


def synthetic_candidates(
    n: int, *, rng: np.random.Generator, texts: TextGenerator, max_practices: int = 4
) -> list[Candidate]:
    """`n` candidate cities named "c00000"..., with Study results, practices and capacity."""
    scores = np.clip(rng.normal(50.0, 18.0, size=(n, len(AXES))), 0.0, 100.0)
    scores[rng.random(size=scores.shape) < 0.05] = np.nan
    # Rank 1 is the best score of the axis; NaN sorts last and gets no rank.
    ranks = np.empty_like(scores, dtype=np.int64)
    for axis in range(len(AXES)):
        ranks[np.argsort(-scores[:, axis], kind="stable"), axis] = np.arange(1, n + 1)
    capacity = rng.integers(0, 4, size=n)
    active = rng.integers(0, capacity + 1)
    candidates = []
    for j in range(n):
        theme = int(rng.integers(0, texts.n_themes))
        n_practices = int(rng.integers(0, max_practices + 1))
        languages = {str(code) for code in rng.choice(LANGUAGES, size=int(rng.integers(1, 4)))}
        if rng.random() < 0.6:
            languages.add("en")
        candidates.append(
            Candidate(
                city_id=f"c{j:05d}",
                axis_scores={
                    axis: float(scores[j, k])
                    for k, axis in enumerate(AXES)
                    if not np.isnan(scores[j, k])
                },
                axis_ranks={
                    axis: int(ranks[j, k])
                    for k, axis in enumerate(AXES)
                    if not np.isnan(scores[j, k])
                },
                n_ranked=n,
                practice_texts=tuple(
                    texts.text(theme, int(rng.integers(15, 40))) for _ in range(n_practices)
                ),
                languages=frozenset(languages),
                region=str(rng.choice(REGIONS)),
                population=float(10 ** rng.uniform(4.0, 6.5)),
                capacity=int(capacity[j]),
                active_programmes=int(active[j]),
            )
        )
    return candidates


def synthetic_requests(
    m: int, city_ids: list[str], *, rng: np.random.Generator, texts: TextGenerator
) -> list[Request]:
    """`m` requests "r00000"... from cities drawn among `city_ids`."""
    requests = []
    for i in range(m):
        axes = rng.choice(len(AXES), size=int(rng.integers(1, 3)), replace=False)
        requests.append(
            Request(
                id=f"r{i:05d}",
                city_id=str(rng.choice(city_ids)),
                axes=tuple(AXES[k] for k in sorted(axes)),
                need_text=texts.text(
                    int(rng.integers(0, texts.n_themes)), int(rng.integers(8, 25))
                ),
                languages=frozenset(
                    str(code) for code in rng.choice(LANGUAGES, size=int(rng.integers(1, 3)))
                ),
                region=str(rng.choice(REGIONS)),
                population=float(10 ** rng.uniform(4.0, 6.5)),
            )
        )
    return requests
