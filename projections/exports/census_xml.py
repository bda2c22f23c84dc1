"""The CIN census return written as the DfE's XML: every block in the order of the
specification (Message: Header, Children; Child: ChildIdentifiers, ChildCharacteristics,
CINdetails; CINdetails: the referral, closure and conference, ReferralNFA, Assessments,
CINPlanDates, Section47, ChildProtectionPlans). An element whose value is not held is
left out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from plantrail.projections.exports.census import CensusChild, CensusReturn, Episode

# Until the 2024 to 2025 collection the child's sex was returned as GenderCurrent.
SEX_FROM_YEAR = 2025
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}


def to_xml(data: CensusReturn) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("plantrail")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        release = "0"
    message = ET.Element("Message")
    header = _sub(message, "Header")
    details = _sub(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", str(data.year))
    _sub(details, "ReferenceDate", data.reference_date.isoformat())
    source = _sub(header, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", data.lea)
    _sub(source, "SoftwareCode", "plantrail")
    _sub(source, "Release", release)
    _sub(source, "SerialNo", data.serial_no)
    _sub(source, "DateTime", data.created.isoformat())
    children = _sub(message, "Children")
    for child in data.children:
        _child(children, child, data.year)
    ET.indent(message, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(message, encoding="unicode") + "\n"


def _child(parent: ET.Element, child: CensusChild, year: int) -> None:
    element = _sub(parent, "Child")
    ids = _sub(element, "ChildIdentifiers")
    _sub(ids, "LAchildID", child.child_ref)
    _sub(ids, "UPN", child.upn)
    _sub(ids, "FormerUPN", child.former_upn)
    _sub(ids, "UPNunknown", child.upn_unknown)
    _sub(ids, "PersonBirthDate", _d(child.born))
    if year >= SEX_FROM_YEAR:
        _sub(ids, "Sex", child.sex)
    else:
        _sub(ids, "GenderCurrent", GENDER_CURRENT.get(child.sex))
    _sub(ids, "PersonDeathDate", _d(child.died))
    characteristics = _sub(element, "ChildCharacteristics")
    _sub(characteristics, "Ethnicity", child.ethnicity)
    if child.disabilities:
        disabilities = _sub(characteristics, "Disabilities")
        for code in child.disabilities:
            _sub(disabilities, "Disability", code)
    for episode in child.episodes:
        _episode(_sub(element, "CINdetails"), episode)


def _episode(cin: ET.Element, episode: Episode) -> None:
    _sub(cin, "CINreferralDate", _d(episode.referred))
    _sub(cin, "ReferralSource", episode.referral_source)
    _sub(cin, "PrimaryNeedCode", episode.primary_need)
    _sub(cin, "CINclosureDate", _d(episode.closed))
    _sub(cin, "ReasonForClosure", episode.closure_reason)
    _sub(cin, "DateOfInitialCPC", _d(episode.initial_cpc))
    _sub(cin, "ReferralNFA", _b(episode.nfa))
    for assessment in episode.assessments:
        block = _sub(cin, "Assessments")
        _sub(block, "AssessmentActualStartDate", _d(assessment.started))
        _sub(block, "AssessmentAuthorisationDate", _d(assessment.authorised))
        if assessment.factors:
            factors = _sub(block, "FactorsIdentifiedAtAssessment")
            for code in assessment.factors:
                _sub(factors, "AssessmentFactors", code)
    for plan_start, plan_end in episode.cin_plans:
        dates = _sub(cin, "CINPlanDates")
        _sub(dates, "CINPlanStartDate", _d(plan_start))
        _sub(dates, "CINPlanEndDate", _d(plan_end))
    for enquiry in episode.enquiries:
        block = _sub(cin, "Section47")
        _sub(block, "S47ActualStartDate", _d(enquiry.started))
        _sub(block, "DateOfInitialCPC", _d(enquiry.icpc))
        _sub(block, "ICPCnotRequired", _b(enquiry.icpc_not_required))
    for cpp in episode.protection_plans:
        plan = _sub(cin, "ChildProtectionPlans")
        _sub(plan, "CPPstartDate", _d(cpp.start))
        _sub(plan, "CPPendDate", _d(cpp.end))
        _sub(plan, "InitialCategoryOfAbuse", cpp.initial_category)
        _sub(plan, "LatestCategoryOfAbuse", cpp.latest_category)
        _sub(plan, "NumberOfPreviousCPP", str(cpp.previous))
        if cpp.reviews:
            reviews = _sub(plan, "Reviews")
            for held in cpp.reviews:
                _sub(reviews, "CPPreviewDate", _d(held))


def _sub(parent: ET.Element, tag: str, text: str | None = "") -> ET.Element:
    """A child element; one whose value is not held (None) is left out."""
    if text is None:
        return ET.Element(tag)  # detached: not written
    element = ET.SubElement(parent, tag)
    if text:
        element.text = text
    return element


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _b(value: bool) -> str:
    return "true" if value else "false"
