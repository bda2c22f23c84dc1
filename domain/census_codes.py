"""The DfE code sets of the child's characteristics and of the CIN census's referral,
assessment and Section 47 modules (CIN census 2024 to 2025 specification, common basic
data set items N00177, N00099, N00135, N00181), and the UPN's own check (the DfE's
"Unique pupil numbers" guide). Pure data and pure checks; the rules that use them are in
``domain/child.py`` and ``domain/child_rules.py``."""

from __future__ import annotations

from typing import Literal

# Ethnicity (N00177), DfE rule 4220.
Ethnicity = Literal["WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
                    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"]
ETHNICITIES: dict[str, str] = {
    "WBRI": "White British", "WIRI": "White Irish", "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage", "WROM": "Gypsy/Roma", "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African", "MWAS": "White and Asian", "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Caribbean", "BAFR": "African", "BOTH": "Any other Black background", "CHNE": "Chinese",
    "OOTH": "Any other ethnic group", "REFU": "Refused", "NOBT": "Information not yet obtained",
}

# Disability (N00099), DfE rules 8540, 8790 (NONE alone), 8794 (each code once).
Disability = Literal["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"]
DISABILITIES: dict[str, str] = {
    "NONE": "No disability", "MOB": "Mobility", "HAND": "Hand function", "PC": "Personal care",
    "INC": "Incontinence", "COMM": "Communication", "LD": "Learning", "HEAR": "Hearing", "VIS": "Vision",
    "BEH": "Behaviour", "CON": "Consciousness", "AUT": "Autism or Asperger syndrome",
    "DDA": "Other disability under the Equality Act",
}

# Reason a UPN is not held (N00135), DfE rules 8770Q, 8772 (UN7 only for no further action).
UpnUnknown = Literal["UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"]
UPN_UNKNOWN: dict[str, str] = {
    "UN1": "Child is aged under 6 years old and is not yet attending school",
    "UN2": "Child has never attended school in England",
    "UN3": "Child is educated outside of England",
    "UN4": "Child is of school age but not attending school (UPN not known)",
    "UN5": "Sources collating UPNs reflect no UPN for this child",
    "UN6": "Child is aged 6 years or over and UPN not yet known",
    "UN7": "Referral with no further action",
}
NFA_ONLY_UPN_UNKNOWN = "UN7"

# Factors identified at assessment (N00181). "21" (no factors) stands alone (DfE rule
# 8869); 18A and 19A are retired for 18B/18C and 19B/19C (DfE rules 8945Q, 8950Q).
ASSESSMENT_FACTORS: dict[str, str] = {
    "1A": "Alcohol misuse: child", "1B": "Alcohol misuse: parent", "1C": "Alcohol misuse: other person",
    "2A": "Drug misuse: child", "2B": "Drug misuse: parent", "2C": "Drug misuse: other person",
    "3A": "Domestic abuse: child", "3B": "Domestic abuse: parent", "3C": "Domestic abuse: other person",
    "4A": "Mental health: child", "4B": "Mental health: parent", "4C": "Mental health: other person",
    "5A": "Learning disability: child", "5B": "Learning disability: parent", "5C": "Learning disability: other",
    "6A": "Physical disability or illness: child", "6B": "Physical disability or illness: parent",
    "6C": "Physical disability or illness: other person", "7A": "Young carer", "8B": "Privately fostered: overseas",
    "8C": "Privately fostered: UK, for education", "8D": "Privately fostered: UK, parents' work",
    "8E": "Privately fostered: UK, parents' choice", "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum seeking child", "10A": "Missing", "11A": "Child sexual exploitation",
    "12A": "Trafficking", "13A": "Gangs", "14A": "Socially unacceptable behaviour", "15A": "Self-harm",
    "16A": "Abuse or neglect: neglect", "17A": "Abuse or neglect: emotional abuse",
    "18B": "Abuse or neglect: physical abuse by a child", "18C": "Abuse or neglect: physical abuse by an adult",
    "19B": "Abuse or neglect: sexual abuse by a child", "19C": "Abuse or neglect: sexual abuse by an adult",
    "20": "Female genital mutilation", "21": "No factors identified", "22A": "Faith or belief abuse",
    "23A": "Child criminal exploitation", "24A": "Other",
}
NO_FACTORS = "21"

# --------------------------------------------------------------------------- the UPN

# The check letter's alphabet (DfE rule 1510): I, O and S are never used.
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# Characters 2-4: a post-April-1998 local authority code or a pseudo-LA code (DfE rule 1530).
_LA_RANGES = ((1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373), (380, 384),
              (390, 394), (660, 681), (701, 708), (800, 803), (805, 808), (810, 813), (820, 823), (835, 839),
              (850, 852), (855, 857), (865, 896), (935, 938), (940, 941))
_LA_SINGLE = (420, 815, 816, 825, 826, 830, 831, 840, 841, 845, 846, 860, 861, 908, 909, 916, 919, 921, 925,
              926, 928, 929, 931, 933)


def upn_fault(upn: str) -> str | None:
    """What is wrong with a UPN (DfE rules 1510, 1530, 1540, 1550), or None: 13 characters,
    a check letter, a local authority code, eight digits, and a digit or letter last."""
    if len(upn) != 13 or not upn.isascii():
        return "a UPN has 13 characters"
    if not upn[1:4].isdigit() or not _la_code(int(upn[1:4])):
        return f"characters 2-4 of a UPN are a local authority code, and {upn[1:4]} is not one (DfE rule 1530)"
    if not upn[4:12].isdigit():
        return "characters 5-12 of a UPN are digits (DfE rule 1540)"
    last = upn[12]
    if not (last.isdigit() or last in _CHECK_LETTERS):
        return "the 13th character of a UPN is a digit or a letter other than I, O and S (DfE rule 1550)"
    if upn[0] != check_letter(upn[1:]):
        return f"the check letter of that UPN would be {check_letter(upn[1:])}, not {upn[0]} (DfE rule 1510)"
    return None


def check_letter(rest: str) -> str:
    """The check letter of a UPN's characters 2-13: weights 2 to 13, the sum modulo 23. A
    temporary UPN's letter in place 13 counts as its place in the check alphabet."""
    total = sum(weight * (int(ch) if ch.isdigit() else _CHECK_LETTERS.index(ch))
                for weight, ch in enumerate(rest, start=2))
    return _CHECK_LETTERS[total % 23]


def _la_code(code: int) -> bool:
    return code in _LA_SINGLE or any(lo <= code <= hi for lo, hi in _LA_RANGES)


def former_upn_fault(upn: str) -> str | None:
    """A former UPN: a letter and twelve digits (DfE rule 1560Q)."""
    if len(upn) != 13 or not upn[0].isalpha() or not upn[0].isascii() or not upn[1:].isdigit():
        return "a former UPN is a letter and twelve digits (DfE rule 1560Q)"
    return None


assert set(ETHNICITIES) == set(Ethnicity.__args__)  # type: ignore[attr-defined]
assert set(DISABILITIES) == set(Disability.__args__)  # type: ignore[attr-defined]
assert set(UPN_UNKNOWN) == set(UpnUnknown.__args__)  # type: ignore[attr-defined]
