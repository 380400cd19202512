"""Wording the rules share: how names are compared and which targets are 'bad things'."""

import re
import unicodedata

# Counts of something bad, where an upper bound (≤) is the right way to write the target.
BAD_THINGS = ("投诉", "事故", "差错", "故障", "错误", "逾期", "违规", "违法", "隐患", "失误", "退回")

_PUNCTUATION = re.compile(r"[\W_]+")


def compact(text: str) -> str:
    """Text reduced for comparison: NFKC, no blanks, no punctuation, no required-marker."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def counts_bad_things(name: str) -> bool:
    return any(word in name for word in BAD_THINGS)


def quoted(text: str) -> str:
    return f"“{text.strip()}”"
