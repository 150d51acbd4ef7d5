"""Demo portfolios (used by the seed_demo command).

The first trainee gets about ten months of learning across every kind of entry; the others a
handful each. Everything goes through portfolio.services, so the demo has the same audit
trail, sign-offs and content hashes as real use, and `verify_audit` passes on it.

Re-running is harmless: each entry carries an external id ("demo-1" …) from the "import"
source, which log_event treats as the same entry, and only entries that have never been
sent for sign-off are sent. The reflections describe no real person and contain nothing
that identifies a patient.
"""

from dataclasses import dataclass
from datetime import time, timedelta

from django.utils import timezone

from curriculum.models import Item
from portfolio import services
from portfolio.models import Kind, LearningEvent, Source, Status

FRAMEWORK = ("uk-foundation", "2021")

# What happens to an entry after it is logged.
DRAFT, SUBMITTED, SIGNED_OFF, RETURNED = "draft", "submitted", "signed_off", "returned"

PGMEC = "St Elsewhere Postgraduate Medical Education Centre"
FOUNDATION_SCHOOL = "Elsewhere Foundation School"
ELFH = "e-Learning for Healthcare (NHS England)"
TEACHING_ROOM = "Education Centre, Seminar Room 2"


@dataclass(frozen=True)
class Entry:
    days_ago: int
    kind: str
    title: str
    provider: str
    minutes: int | None
    items: tuple[str, ...]
    tags: tuple[str, ...] = ()
    # What becomes of the entry, and which of the trainee's supervisors it goes to.
    outcome: str = DRAFT
    supervisor: str = "educational"
    comment: str = ""
    description: str = ""
    location: str = ""
    starts: time | None = None
    reflection: tuple[str, str, str] = ()
    reflection_shared: bool = False


TRAINEE1 = [
    Entry(
        days_ago=298,
        kind=Kind.ELEARNING,
        title="e-LfH Safeguarding adults level 2",
        provider=ELFH,
        minutes=60,
        items=("FPC11", "FPC8"),
        tags=("safeguarding", "mandatory-training"),
        outcome=SIGNED_OFF,
        comment="Mandatory training complete. Good to see it mapped to Upholding values too.",
        description=(
            "Recognising abuse and neglect, making safeguarding personal, and how to raise a "
            "concern through the trust's safeguarding team."
        ),
    ),
    Entry(
        days_ago=296,
        kind=Kind.ELEARNING,
        title="e-LfH Safeguarding children level 2",
        provider=ELFH,
        minutes=60,
        items=("FPC11",),
        tags=("safeguarding", "mandatory-training"),
    ),
    Entry(
        days_ago=294,
        kind=Kind.TEACHING_ATTENDED,
        title="F1 induction: prescribing safely on the electronic record (EPMA)",
        provider=PGMEC,
        minutes=120,
        items=("FPC3", "FPC9"),
        tags=("prescribing", "induction"),
        outcome=SIGNED_OFF,
        description=(
            "Hands-on session on the trust's electronic prescribing system: insulin, "
            "anticoagulants, antimicrobial review dates and common alerts."
        ),
        location=TEACHING_ROOM,
        starts=time(9, 0),
    ),
    Entry(
        days_ago=290,
        kind=Kind.COURSE,
        title="Immediate Life Support (ILS)",
        provider="Resuscitation Council UK, delivered by the St Elsewhere Resuscitation Service",
        minutes=450,
        items=("FPC2",),
        tags=("resuscitation", "course"),
        outcome=SIGNED_OFF,
        supervisor="clinical",
        comment="Certificate seen.",
        location="Clinical Skills Centre",
        starts=time(8, 30),
    ),
    Entry(
        days_ago=280,
        kind=Kind.TEACHING_ATTENDED,
        title="F1 core teaching: recognising the deteriorating patient (NEWS2)",
        provider=FOUNDATION_SCHOOL,
        minutes=60,
        items=("FPC2", "FPC1"),
        tags=("acute-medicine", "news2"),
        location=TEACHING_ROOM,
        starts=time(12, 30),
    ),
    Entry(
        days_ago=270,
        kind=Kind.ELEARNING,
        title="e-LfH Data security awareness level 1",
        provider=ELFH,
        minutes=45,
        items=("FPC11",),
        tags=("information-governance", "mandatory-training"),
    ),
    Entry(
        days_ago=262,
        kind=Kind.CLINIC,
        title="Diabetes and endocrinology outpatient clinic",
        provider="Diabetes and Endocrinology, St Elsewhere",
        minutes=210,
        items=("FPC1", "FPC4"),
        tags=("diabetes", "endocrinology"),
        outcome=SIGNED_OFF,
        supervisor="clinical",
        comment=(
            "Well observed. Next time, try taking the history yourself with the consultant present."
        ),
        location="Outpatients B",
        reflection=(
            (
                "I sat in with the consultant for a morning clinic. Several patients were starting"
                " or adjusting insulin, and one had recently started a GLP-1 receptor agonist."
            ),
            (
                "How much of the consultation is about what matters to the patient day to day: "
                "shift work, fasting, driving. The plan followed from that, not from the HbA1c "
                "alone."
            ),
            (
                "Ask about work patterns and driving whenever I change someone's diabetes "
                "treatment on the ward, and check the DVLA guidance before discharge."
            ),
        ),
        reflection_shared=True,
    ),
    Entry(
        days_ago=255,
        kind=Kind.SPECIALTY_MEETING,
        title="Radiology meeting: chest X-ray interpretation in acute breathlessness",
        provider="Department of Radiology",
        minutes=60,
        items=("FPC1", "FPC13"),
        tags=("radiology", "respiratory"),
        starts=time(13, 0),
    ),
    Entry(
        days_ago=248,
        kind=Kind.SOCIAL_MEDIA,
        title=("#TwitterJC: apixaban or aspirin for device-detected atrial fibrillation (ARTESIA)"),
        provider="#TwitterJC on X",
        minutes=60,
        items=("FPC13", "FPC12"),
        tags=("foamed", "twitterjc", "cardiology"),
        description=(
            "Online journal club on the ARTESIA trial: stroke reduction against major bleeding, "
            "and what the numbers needed to treat and harm mean for a shared decision."
        ),
    ),
    Entry(
        days_ago=240,
        kind=Kind.CASE_DISCUSSION,
        title="Case-based discussion: managing hyperkalaemia on the medical take",
        provider="Acute Medicine, St Elsewhere",
        minutes=30,
        items=("FPC2", "FPC3"),
        tags=("acute-medicine", "renal"),
        outcome=SIGNED_OFF,
        supervisor="clinical",
        comment="Safe, well-reasoned management. Good use of the trust guideline.",
        reflection=(
            (
                "A patient admitted overnight had a very high potassium on the morning bloods. I "
                "recognised it, repeated the sample and started treatment while escalating to the "
                "registrar."
            ),
            (
                "The order matters: protect the heart with calcium gluconate first, then shift "
                "potassium with insulin and glucose, then find and remove the cause."
            ),
            (
                "Check the ECG before the repeat result comes back, and look at the drug chart for"
                " potassium-sparing medicines as part of the first review."
            ),
        ),
        reflection_shared=True,
    ),
    Entry(
        days_ago=232,
        kind=Kind.PROCEDURE,
        title="Arterial blood gas sampling (supervised)",
        provider="Acute Medical Unit",
        minutes=20,
        items=("FPC1",),
        tags=("procedures",),
    ),
    Entry(
        days_ago=225,
        kind=Kind.TEACHING_ATTENDED,
        title="Grand round: antimicrobial stewardship and the 48-hour review",
        provider="St Elsewhere Medical Education",
        minutes=60,
        items=("FPC9", "FPC13"),
        tags=("antimicrobials", "grand-round"),
        location="Main Lecture Theatre",
        starts=time(12, 30),
    ),
    Entry(
        days_ago=218,
        kind=Kind.READING,
        title="NICE NG51: Sepsis — recognition, diagnosis and early management",
        provider="National Institute for Health and Care Excellence",
        minutes=45,
        items=("FPC2", "FPC12"),
        tags=("sepsis", "guidelines"),
        outcome=SIGNED_OFF,
    ),
    Entry(
        days_ago=210,
        kind=Kind.SIMULATION,
        title="In-situ simulation: acute severe asthma on the ward",
        provider="St Elsewhere Simulation Centre",
        minutes=120,
        items=("FPC2", "FPC4"),
        tags=("simulation", "respiratory", "human-factors"),
        outcome=SIGNED_OFF,
        supervisor="clinical",
        location="Ward 7 (in-situ)",
        reflection=(
            (
                "I led the first five minutes of a simulated acute asthma scenario before the "
                "registrar arrived."
            ),
            (
                "I fixed on the nebuliser and did not say out loud that I wanted senior help. The "
                "debrief showed the nurse was waiting for me to ask."
            ),
            ("Name the problem, say what I need and from whom, early: closed-loop communication."),
        ),
    ),
    Entry(
        days_ago=200,
        kind=Kind.QUALITY_IMPROVEMENT,
        title=("QI project: VTE risk assessment within 14 hours of admission (first PDSA cycle)"),
        provider="Quality Improvement Team, St Elsewhere",
        minutes=180,
        items=("FPC9",),
        tags=("qi", "vte"),
        outcome=SIGNED_OFF,
        comment="A clear aim and a sensible first cycle. Present it at the F1 QI day.",
        description=(
            "Baseline: 62% of admissions had a documented VTE assessment within 14 hours. Change: "
            "a prompt on the admission clerking proforma. Re-measure after four weeks."
        ),
    ),
    Entry(
        days_ago=190,
        kind=Kind.TEACHING_DELIVERED,
        title="Taught final-year medical students: the ABCDE assessment",
        provider="St Elsewhere Undergraduate Education",
        minutes=60,
        items=("FPC10",),
        tags=("teaching", "medical-students"),
        outcome=SIGNED_OFF,
        location="Clinical Skills Centre",
    ),
    Entry(
        days_ago=182,
        kind=Kind.SOCIAL_MEDIA,
        title="#FOAMed: LITFL ECG library — the ECG in hyperkalaemia",
        provider="Life in the Fast Lane (LITFL)",
        minutes=30,
        items=("FPC12", "FPC13"),
        tags=("foamed", "ecg"),
    ),
    Entry(
        days_ago=175,
        kind=Kind.CLINIC,
        title="Colorectal surgery outpatient clinic",
        provider="General Surgery, St Elsewhere",
        minutes=180,
        items=("FPC1", "FPC4"),
        tags=("surgery", "colorectal"),
        location="Outpatients A",
    ),
    Entry(
        days_ago=168,
        kind=Kind.TEACHING_ATTENDED,
        title="F1 core teaching: consent and mental capacity",
        provider=FOUNDATION_SCHOOL,
        minutes=60,
        items=("FPC11",),
        tags=("consent", "capacity", "law"),
        outcome=SUBMITTED,
        location=TEACHING_ROOM,
        starts=time(12, 30),
    ),
    Entry(
        days_ago=160,
        kind=Kind.PROCEDURE,
        title="Urethral catheterisation (supervised)",
        provider="General Surgery, St Elsewhere",
        minutes=15,
        items=("FPC1",),
        tags=("procedures",),
        outcome=SIGNED_OFF,
        supervisor="clinical",
        comment="Aseptic technique good.",
    ),
    Entry(
        days_ago=152,
        kind=Kind.SPECIALTY_MEETING,
        title="Surgical morbidity and mortality meeting",
        provider="General Surgery, St Elsewhere",
        minutes=60,
        items=("FPC9", "FPC5"),
        tags=("m-and-m", "patient-safety"),
        starts=time(7, 30),
    ),
    Entry(
        days_ago=145,
        kind=Kind.REFLECTION,
        title="Reflection: a difficult handover at the end of a night shift",
        provider="",
        minutes=None,
        items=("FPC5", "FPC7"),
        tags=("handover", "wellbeing"),
        outcome=RETURNED,
        comment=(
            "A thoughtful start. Please add what you will do differently when you hand over next "
            "time, then send it back."
        ),
        reflection=(
            (
                "At the end of a busy night I handed over several unwell patients to the day team "
                "in a rush, and one outstanding blood test was missed until late morning."
            ),
            "Tiredness made me leave out the jobs I thought were obvious.",
            "",
        ),
        reflection_shared=True,
    ),
    Entry(
        days_ago=138,
        kind=Kind.ELEARNING,
        title="e-LfH Safe transfusion practice",
        provider=ELFH,
        minutes=45,
        items=("FPC9", "FPC3"),
        tags=("transfusion", "mandatory-training"),
        outcome=SIGNED_OFF,
        supervisor="clinical",
    ),
    Entry(
        days_ago=130,
        kind=Kind.COURSE,
        title="F1 regional study day: surgical emergencies",
        provider="Elsewhere Deanery",
        minutes=360,
        items=("FPC2", "FPC12"),
        tags=("study-day", "surgery"),
        location="Elsewhere Deanery, Conference Centre",
    ),
    Entry(
        days_ago=120,
        kind=Kind.CASE_DISCUSSION,
        title="Case discussion: post-operative acute kidney injury",
        provider="General Surgery, St Elsewhere",
        minutes=30,
        items=("FPC3", "FPC5"),
        tags=("aki", "surgery"),
        outcome=SUBMITTED,
        supervisor="clinical",
    ),
    Entry(
        days_ago=110,
        kind=Kind.SOCIAL_MEDIA,
        title="#FOAMed journal club: oxygen targets in acutely ill adults",
        provider="#FOAMed journal club on Bluesky",
        minutes=45,
        items=("FPC13",),
        tags=("foamed", "journal-club", "respiratory"),
    ),
    Entry(
        days_ago=100,
        kind=Kind.TEACHING_DELIVERED,
        title="Teaching for F1 colleagues: writing a useful discharge summary",
        provider=FOUNDATION_SCHOOL,
        minutes=45,
        items=("FPC10", "FPC5"),
        tags=("teaching", "discharge"),
        outcome=RETURNED,
        supervisor="clinical",
        comment=(
            "Good topic. Add the feedback you collected from the group and what you would change "
            "next time, then send it back."
        ),
        location=TEACHING_ROOM,
        starts=time(12, 30),
    ),
    Entry(
        days_ago=90,
        kind=Kind.TEACHING_ATTENDED,
        title="F1 core teaching: breaking bad news",
        provider=FOUNDATION_SCHOOL,
        minutes=90,
        items=("FPC4", "FPC8"),
        tags=("communication",),
        outcome=SIGNED_OFF,
        location=TEACHING_ROOM,
        starts=time(13, 0),
    ),
    Entry(
        days_ago=80,
        kind=Kind.CLINIC,
        title="Community mental health team clinic",
        provider="Elsewhere Mental Health NHS Trust",
        minutes=180,
        items=("FPC4", "FPC8"),
        tags=("psychiatry",),
    ),
    Entry(
        days_ago=70,
        kind=Kind.ELEARNING,
        title="e-LfH Mental Capacity Act: an introduction",
        provider=ELFH,
        minutes=40,
        items=("FPC11",),
        tags=("capacity", "law"),
        outcome=SUBMITTED,
    ),
    Entry(
        days_ago=60,
        kind=Kind.SPECIALTY_MEETING,
        title="Psychiatry journal club: lithium monitoring across primary and secondary care",
        provider="Department of Psychiatry",
        minutes=60,
        items=("FPC13", "FPC3"),
        tags=("journal-club", "psychiatry", "prescribing"),
    ),
    Entry(
        days_ago=48,
        kind=Kind.SIMULATION,
        title="Simulation: the agitated patient — de-escalation and rapid tranquillisation",
        provider="St Elsewhere Simulation Centre",
        minutes=180,
        items=("FPC2", "FPC11"),
        tags=("simulation", "psychiatry"),
        outcome=SUBMITTED,
        supervisor="clinical",
    ),
    Entry(
        days_ago=35,
        kind=Kind.QUALITY_IMPROVEMENT,
        title="Re-audit: physical health monitoring for patients on antipsychotics",
        provider="Clinical Audit Department",
        minutes=240,
        items=("FPC9", "FPC8"),
        tags=("audit", "psychiatry"),
    ),
    Entry(
        days_ago=21,
        kind=Kind.REFLECTION,
        title="Reflection: looking after my own wellbeing on nights",
        provider="",
        minutes=None,
        items=("FPC7",),
        tags=("wellbeing",),
        outcome=SUBMITTED,
        reflection=(
            (
                "During a run of four night shifts I skipped breaks and was short with a colleague"
                " on the third night."
            ),
            "Breaks are part of safe care, not a reward for finishing the jobs list.",
            (
                "Agree break times with the night team at the start of the shift, and use the "
                "trust's staff wellbeing service if the tiredness lasts."
            ),
        ),
        reflection_shared=True,
    ),
    Entry(
        days_ago=10,
        kind=Kind.TEACHING_ATTENDED,
        title="Schwartz Round: the patient I still think about",
        provider="St Elsewhere Schwartz Rounds",
        minutes=60,
        items=("FPC7", "FPC4"),
        tags=("schwartz-round", "wellbeing"),
        location="Main Lecture Theatre",
        starts=time(12, 30),
    ),
    Entry(
        days_ago=3,
        kind=Kind.READING,
        title="BMJ Clinical Update: delirium in older adults",
        provider="The BMJ",
        minutes=40,
        items=("FPC12", "FPC13"),
        tags=("delirium", "older-people"),
    ),
]

TRAINEE2 = [
    Entry(
        days_ago=120,
        kind=Kind.ELEARNING,
        title="e-LfH Safeguarding adults level 2",
        provider=ELFH,
        minutes=60,
        items=("FPC11",),
        tags=("safeguarding", "mandatory-training"),
        outcome=SIGNED_OFF,
    ),
    Entry(
        days_ago=95,
        kind=Kind.TEACHING_ATTENDED,
        title="F1 core teaching: fluid prescribing",
        provider=FOUNDATION_SCHOOL,
        minutes=60,
        items=("FPC3",),
        tags=("fluids", "prescribing"),
        outcome=SIGNED_OFF,
        location=TEACHING_ROOM,
        starts=time(12, 30),
    ),
    Entry(
        days_ago=60,
        kind=Kind.PROCEDURE,
        title="Cannulation (supervised)",
        provider="Acute Medical Unit",
        minutes=15,
        items=("FPC1",),
        tags=("procedures",),
        outcome=SUBMITTED,
    ),
    Entry(
        days_ago=30,
        kind=Kind.SOCIAL_MEDIA,
        title="#FOAMed: Don't Forget the Bubbles — sepsis in children",
        provider="Don't Forget the Bubbles",
        minutes=30,
        items=("FPC12", "FPC13"),
        tags=("foamed", "paediatrics", "sepsis"),
    ),
    Entry(
        days_ago=8,
        kind=Kind.CLINIC,
        title="Respiratory outpatient clinic",
        provider="Respiratory Medicine, St Elsewhere",
        minutes=180,
        items=("FPC1", "FPC4"),
        tags=("respiratory",),
        location="Outpatients B",
    ),
]

TRAINEE3 = [
    Entry(
        days_ago=110,
        kind=Kind.COURSE,
        title="Immediate Life Support (ILS)",
        provider="Resuscitation Council UK, delivered by the St Elsewhere Resuscitation Service",
        minutes=450,
        items=("FPC2",),
        tags=("resuscitation", "course"),
        outcome=SIGNED_OFF,
    ),
    Entry(
        days_ago=85,
        kind=Kind.SPECIALTY_MEETING,
        title="Radiology meeting: CT head — when and why",
        provider="Department of Radiology",
        minutes=60,
        items=("FPC1", "FPC13"),
        tags=("radiology", "neurology"),
        outcome=SIGNED_OFF,
    ),
    Entry(
        days_ago=50,
        kind=Kind.QUALITY_IMPROVEMENT,
        title="Audit: documentation of ceilings of care on admission",
        provider="Clinical Audit Department",
        minutes=120,
        items=("FPC9", "FPC11"),
        tags=("audit", "end-of-life-care"),
        outcome=SUBMITTED,
    ),
    Entry(
        days_ago=20,
        kind=Kind.TEACHING_DELIVERED,
        title="Teaching third-year medical students: taking a focused history",
        provider="St Elsewhere Undergraduate Education",
        minutes=60,
        items=("FPC10",),
        tags=("teaching", "medical-students"),
    ),
]

# The first trainee gets the full portfolio; the others theirs, in order.
PORTFOLIOS = [TRAINEE1, TRAINEE2, TRAINEE3]


def seed(*, trainees, supervisors_by_trainee) -> list[LearningEvent]:
    """Log each trainee's demo entries and take them through sign-off as planned.

    `trainees` are in the order of PORTFOLIOS; `supervisors_by_trainee` maps each trainee to
    {supervision kind: supervisor}. An entry planned for a kind of supervisor the trainee
    does not have goes to one they do have."""
    items = {
        item.code: item
        for item in Item.objects.filter(
            framework__slug=FRAMEWORK[0], framework__version=FRAMEWORK[1]
        )
    }
    today = timezone.localdate()
    events = []
    for trainee, entries in zip(trainees, PORTFOLIOS, strict=True):
        supervisors = supervisors_by_trainee[trainee]
        for number, entry in enumerate(entries, start=1):
            event = _log(trainee, entry, number, items, today)
            if entry.outcome != DRAFT and _never_submitted(event):
                supervisor = supervisors.get(entry.supervisor) or next(iter(supervisors.values()))
                _decide(trainee, event, entry, supervisor)
            events.append(event)
    return events


def _log(trainee, entry: Entry, number: int, items, today) -> LearningEvent:
    what_happened, learned, next_time = entry.reflection or ("", "", "")
    event, _ = services.log_event(
        trainee=trainee,
        kind=entry.kind,
        title=entry.title,
        date=today - timedelta(days=entry.days_ago),
        time=entry.starts,
        duration_minutes=entry.minutes,
        provider=entry.provider,
        location=entry.location,
        description=entry.description,
        items=[items[code] for code in entry.items],
        tags=entry.tags,
        reflection_what_happened=what_happened,
        reflection_learned=learned,
        reflection_next_time=next_time,
        reflection_shared=entry.reflection_shared,
        source=Source.IMPORT,
        external_id=f"demo-{number}",
    )
    return event


def _never_submitted(event: LearningEvent) -> bool:
    # Only a fresh draft is sent: an entry someone has since recalled, edited or had
    # withdrawn in the demo stays as they left it.
    return event.status == Status.DRAFT and not event.sign_off_requests.exists()


def _decide(trainee, event: LearningEvent, entry: Entry, supervisor) -> None:
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=trainee)
    if entry.outcome == SIGNED_OFF:
        services.approve(event=event, actor=supervisor, comment=entry.comment)
    elif entry.outcome == RETURNED:
        services.return_entry(event=event, actor=supervisor, comment=entry.comment)
    event.refresh_from_db(fields=["status"])
