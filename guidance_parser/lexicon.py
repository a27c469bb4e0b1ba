"""The words extraction rules read: cue phrases, units, and the patterns of scope, baseline and names.

This module owns vocabulary only (data and compiled patterns, no logic), so the rules in ``extract``
stay readable and the lexicons can be reviewed and extended in one place. Phrases are lower-case;
``CueTagger`` matches them on token ``LOWER``.
"""

from __future__ import annotations

import re

COMMITMENT_CUES = (
    "will", "shall", "must", "should", "expect", "expected", "expects", "expecting", "ask", "asked",
    "asking", "aim", "aims", "aiming", "ambition", "ambitions", "plan to", "plans to", "need to", "needs to",
    "required", "require", "requires", "commit", "committed", "commitment", "commitments", "due to", "due",
    "intend", "intends", "propose", "proposing", "target", "targets", "task", "priority", "to meet",
    "to deliver", "to achieve", "to reach", "to return", "to complete", "to introduce", "to publish",
    "to be published", "to be", "going to", "is to", "are to", "we want", "should be", "success measure",
    "encouraged", "agree", "set out", "deliver", "delivering",
    "achieve", "achieving", "ensure", "ensuring", "improve", "improving", "reduce", "reducing", "increase",
    "increasing", "maintain", "maintaining", "provide", "providing", "publish", "launch", "introduce",
    "implement", "establish", "develop", "submit", "complete", "put in place", "reach", "reaching",
    "supporting the target", "minimum", "at least", "no more than", "expectation", "launching", "introducing",
    "publishing", "rolling out", "roll out", "implementing", "establishing", "available for adoption", "meet",
    "meeting", "exceed", "exceeding",
)
FACT_CUES = (
    "delivered", "generated", "grew", "grown", "improved productivity", "increased by", "decreased",
    "fell", "fallen", "rose", "risen", "was", "were", "saw", "achieved", "have achieved", "has achieved",
    "reported", "showed", "shows", "announced", "injection", "predicting", "predicted", "represents",
    "represented", "equivalent to", "has increased", "have increased", "has continued", "has grown",
    "have grown", "has fallen", "has been", "have been", "had been", "has risen", "already",
    "last year", "over the last", "in the first", "so far", "has delivered", "have delivered", "worked",
    "has reduced", "have reduced", "has published", "was met", "were met", "today", "accounts for",
    "account for", "is likely to", "are likely to",
    # reports of the past or present state: "This includes a 33% reduction", "We continued to invest",
    # "is currently at £1.2 billion", "the work done through", "considered the 250,000 contributions"
    "includes", "included", "has included", "continued", "launched", "considered", "done",
    "currently", "to date", "year to date", "saved", "has saved", "have saved",
)
BASELINE_CUES = ("compared to", "compared with", "than", "since", "against", "relative to", "baseline",
                 "versus", "vs", "levels", "pre-pandemic", "pre-covid", "on current spending",
                 "based on current spending")
INCREASE = ("increase", "increasing", "increased", "improve", "improving", "improvement", "raise", "raising",
            "expand", "expanding", "grow", "growing", "growth", "higher", "more", "additional", "extra",
            "boost")
REDUCE = ("reduce", "reducing", "reduction", "reductions", "cut", "cutting", "lower", "lowering", "decrease",
          "fewer", "less", "down")
MAINTAIN = ("maintain", "maintaining", "sustain", "sustaining", "keep", "keeping", "hold", "holding")
AT_LEAST = ("at least", "a minimum of", "minimum of", "minimum", "no less than", "no fewer than", "or more",
            "or better", "or greater", "whichever is greater", "floor")
AT_MOST = ("no more than", "at most", "a maximum of", "maximum", "less than", "fewer than", "under",
           "or less", "or fewer", "below", "not exceed", "no longer than")

DURATION_UNITS = {"minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
                  "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours", "day": "days",
                  "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months"}
MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
               "b": 1e9}
SCOPE_RE = re.compile(
    r"\b(nationally|national(?= (?:performance|target|ambition|average))|every (?:trust|system|provider|ICB|"
    r"hospital|practice|region)|all (?:trusts|systems|providers|ICBs|hospitals|practices|regions|NHS trusts|"
    r"mental health providers|secondary care trusts)|each (?:trust|system|provider|ICB)|across all systems|"
    r"in every (?:trust|system|ICB)|(?:at )?provider level|(?:at )?system level)\b", re.IGNORECASE)
BASELINE_RE = re.compile(
    r"(?:against|from) (?:the|a) ([A-Za-z]+ 20\d\d|20\d\d(?:/\d\d)?|[\w\s/-]{1,30}?) baseline"
    r"|compared (?:to|with) (20\d\d(?:/\d\d)?|[A-Z][a-z]+ 20\d\d|pre-\w+(?: levels)?)"
    r"|based on (current spending|[\w\s]{1,25}? levels)|on (current spending)"
    r"|(?:to|below|above) ((?:[A-Z][a-z]+ )?20\d\d(?:/\d\d)? levels|pre-\w+ levels)"
    r"|(?:against|than) (pre-\w+(?: levels)?)"
    r"|(?:improve|improving) upon (20\d\d/\d\d)", re.IGNORECASE)

# Words that bind a sentence to the future (a modal, an ask, an aim). Narrower than COMMITMENT_CUES, whose
# verbs ("increase", "deliver") also occur as nouns in reports of the past ("an increase ... has been
# delivered"): a sentence that reports (FACT_CUES) and has none of these is not a commitment.
MODAL_CUES = (
    "will", "shall", "must", "should", "would", "expect", "expected", "expects", "expecting", "ask", "asked",
    "asking", "aim", "aims", "aiming", "ambition", "ambitions", "plan to", "plans to", "planning to", "need to",
    "needs to", "required", "require", "requires", "commit", "committed", "committing", "commitment",
    "commitments", "due to",
    "intend", "intends", "intended", "propose", "proposing", "going to", "is to", "are to", "we want",
    "forecasting", "forecast to", "on course to", "on track to",
)

# Marks a figure given as an illustration: an example, a hypothetical case, data "for illustrative purposes".
EXAMPLE_RE = re.compile(
    r"\b(?:for example|for instance|e\.\s?g\.?|eg|worked examples?|example \d+|illustrative|illustration|"
    r"hypothetical(?:ly)?|suppose|imagine)\b", re.IGNORECASE)
# A block that opens a stretch of worked examples / illustrative data (its tables follow it).
EXAMPLE_START_RE = re.compile(
    r"\b(?:worked examples?|example \d+\s*:|for illustrative purposes|illustrative (?:example|data|only)|"
    r"hypothetical example)", re.IGNORECASE)

# Counts of what people said or sent, not of services delivered: "250,000 contributions", "1,200 responses".
NON_COMMITMENT_COUNT_NOUNS = frozenset({
    "contributions", "responses", "respondents", "submissions", "comments", "participants", "attendees",
    "views", "ideas", "stories", "signatures", "visitors", "downloads", "followers", "subscribers",
    "conversations", "replies", "entries", "votes", "nominations",
})

# Document and event names: a date inside one names the document ("Spending Review 2025", "Better Care Fund
# policy framework for 2025 to 2026", "the 2025/26 NHS Standard Contract"), it does not bind an action.
_DOC_NOUN = (r"(?:framework|guidance|plan|strategy|review|report|statement|budget|survey|contract|mandate|"
             r"settlement|specification|handbook|manual|policy|letter|programme|standards?|regulations?|"
             r"act|paper|prospectus|toolkit)")
TITLE_BEFORE_RE = re.compile(
    r"(?:\b[A-Z][\w&’'/-]*\s+){1,5}(?:[a-z]+\s+)?(?i:" + _DOC_NOUN + r")\s*$")
TITLE_AFTER_RE = re.compile(r"^\s*(?:[A-Z][\w&’'/-]*\s+){1,5}(?:[a-z]+\s+)?(?i:" + _DOC_NOUN + r")\b")
# "the Board paper on productivity in May 2024": which document is meant, not when something is due.
# Only documents that have appeared: a review, consultation or plan "in the spring" is usually still to come.
REFERENCE_BEFORE_RE = re.compile(
    r"\b(?:paper|report|letter|publication|announcement)(?:\s+(?:on|about|into|of)(?:\s+[\w-]+){1,3})?\s*$",
    re.IGNORECASE)
URL_RE = re.compile(r"\(?https?://\S+|\bwww\.\S+")
