"""Classification: from a catalog row and the brand profile to the facts the policy rules test.

Which vertical, which value band, which regulations apply, and the brand-level facts — all read
from the rulebook (`classification.yaml`, `evidence.yaml`, `taxonomies.yaml`,
`regulations.yaml`); nothing about any vertical is written here.

The vertical is chosen from evidence, not from the first word that hits. Every field of the row
is read: the standard taxonomy path or id, each segment of each category path, the HSN code,
the product type, the title (words and patterns), the tags, and what the file says of the item's
nature. Each source gives the verticals it points at its weight (evidence.yaml); the highest
total wins, and the row's own words that decided are kept for the explanation, with a
confidence. Words are found with one Aho-Corasick scan per text (whole words and phrases, the
longest of overlapping ones), so a title costs one C-level pass whatever the number of words.

What depends only on a row's category fields is memoised on those fields; what depends on its
title is summed up by its signature (`TitleReader.signature`: the words and patterns found), so
two rows share a classification only when they share every piece of evidence it cites.

`facts` holds what classification concludes and the evidence it cites, `lexicon` the rulebook's
words compiled for one scan, `titles` and `categories` read a row's fields into evidence,
`scoring` weighs it into a vertical, and `classifier` puts them together with value bands,
regulations and the brand's facts.
"""

from __future__ import annotations

from advisor.advice.classify.classifier import Classifier
from advisor.advice.classify.facts import CatEvidence, Hit, SkuFacts, UnknownCurrencyError, Verdict

__all__ = ["CatEvidence", "Classifier", "Hit", "SkuFacts", "UnknownCurrencyError", "Verdict"]
