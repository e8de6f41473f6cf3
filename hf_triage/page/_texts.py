"""The page's words: each question in plain professional Danish (and English), what each answer
means according to the sources, and the labels of the page itself.

Questions are asked in this order: urgency first, so that "start support now" shows at once
(003 §4.1: the assessment must not delay the support; 000 «3 Systematisk opsporing og
visitation»); then the two answers that decide the method (000 «Målgruppen for Housing First»).
A field the domain has but this table does not describe (a later version's new input) is still
asked, with the domain's own label.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ANSWER_ORDER", "LABELS", "QUESTIONS", "Question", "ValueText", "question_for"]


@dataclass(frozen=True)
class ValueText:
    """What one answer means, in Danish and English."""

    da: str
    en: str
    meaning_da: str = ""
    meaning_en: str = ""


@dataclass(frozen=True)
class Question:
    """One question of the guided assessment."""

    da: str
    en: str
    help_da: str
    help_en: str
    source: str
    values: dict[str, ValueText]


_BOOL = {
    "true": ValueText("Ja", "Yes"),
    "false": ValueText("Nej", "No"),
}

_SCALE = {
    # KL's Fælles Faglige Begreber / VUM 2.0 (outside the seeds, see DOMAIN.md)
    "0": ValueText("0 – ingen problemer", "0 – no problems"),
    "1": ValueText("1 – lette problemer", "1 – mild problems"),
    "2": ValueText("2 – moderate problemer", "2 – moderate problems"),
    "3": ValueText("3 – svære problemer", "3 – severe problems"),
    "4": ValueText("4 – fuldstændige problemer", "4 – complete problems"),
}

_DIMENSION_NAMES = {
    # 003 §5.1's Danish names, in its order
    "housing": ("Bolig", "Housing"),
    "mental_health": ("Psykisk helbred", "Mental health"),
    "physical_health": ("Fysisk helbred", "Physical health"),
    "finances": ("Økonomi", "Finances"),
    "daily_activities": ("Daglige aktiviteter", "Daily activities"),
    "network": ("Netværk og sociale relationer", "Network and social relations"),
    "substance_use": ("Misbrug", "Substance use"),
    "education_employment": ("Uddannelse og beskæftigelse", "Education and employment"),
}

_METHOD_VALUES = {
    "CTI": ValueText("CTI", "CTI", "Critical Time Intervention", "Critical Time Intervention"),
    "ICM": ValueText("ICM", "ICM", "Intensive Case Management", "Intensive Case Management"),
    "ACT": ValueText(
        "ACT", "ACT", "Assertive Community Treatment", "Assertive Community Treatment"
    ),
}

QUESTIONS: dict[str, Question] = {
    "urgency": Question(
        "Hvor hurtigt skal støtten og boligen i gang?",
        "How soon must the support and the home start?",
        "Ved akut behov startes støtten nu, sideløbende med udredningen.",
        "When the need is acute, the support starts now, in parallel with the assessment.",
        "003 §4.1; 000 «3 Systematisk opsporing og visitation»",
        {
            "routine": ValueText("Almindeligt forløb", "Routine"),
            "soon": ValueText("Snart", "Soon"),
            "acute": ValueText(
                "Akut",
                "Acute",
                "Start støtten og boligplanen nu; udredningen må ikke forsinke dem.",
                "Start the support and the housing plan now; the assessment must not delay them.",
            ),
        },
    ),
    "service_use": Question(
        "I hvilket omfang kan borgeren benytte de eksisterende tilbud?",
        "To what extent can the citizen use existing services?",
        "Det vigtigste skel mellem metoderne.",
        "The main distinction between the methods.",
        "000 «Målgruppen for Housing First»; 003 §3.2",
        {
            "significant": ValueText(
                "I betydeligt omfang",
                "To a significant extent",
                "Kan i betydeligt omfang benytte det eksisterende støttesystem (CTI's målgruppe).",
                "Can use the existing support system to a significant extent (the CTI group).",
            ),
            "partial": ValueText(
                "Kun i nogen grad",
                "Only to some extent",
                "Kan kun i nogen grad benytte øvrige tilbud og behandling (ICM's målgruppe).",
                "Can use other services and treatment only to some extent (the ICM group).",
            ),
            "minimal": ValueText(
                "I meget begrænset omfang eller slet ikke",
                "Very limited or not at all",
                "Kan kun i meget begrænset omfang eller slet ikke benytte tilbuddene.",
                "Can use the services only to a very limited extent or not at all.",
            ),
        },
    ),
    "complexity": Question(
        "Hvor komplekse er borgerens problemer ud over hjemløsheden?",
        "How complex are the citizen's problems beyond homelessness?",
        "Fx psykisk sygdom, misbrug og andre psykosociale problemer.",
        "E.g. mental illness, substance abuse and other psychosocial problems.",
        "000 «Målgruppen for Housing First»",
        {
            "mild": ValueText(
                "Lette til middelsvære",
                "Mild to moderate",
                "Fx let til moderat psykisk sygdom eller misbrug.",
                "E.g. mild to moderate mental illness or substance abuse.",
            ),
            "moderate": ValueText(
                "Komplekse",
                "Complex",
                "Moderat psykisk sygdom og/eller misbrug eller andre omfattende problemer.",
                "Moderate mental illness and/or substance abuse or other extensive problems.",
            ),
            "severe": ValueText(
                "Massive",
                "Massive",
                "Massive psykosociale vanskeligheder, fx svær psykisk sygdom og svært misbrug.",
                "Massive psychosocial difficulties, e.g. severe mental illness and substance "
                "abuse.",
            ),
        },
    ),
    "support_duration": Question(
        "Hvor længe forventes borgeren at have brug for støtte?",
        "How long is the citizen expected to need support?",
        "CTI varer ni måneder i tre faser; vurder, om det er nok.",
        "CTI lasts nine months in three phases; judge whether that suffices.",
        "000 «1 Målgruppen for CTI»",
        {
            "unknown": ValueText("Ikke vurderet", "Not assessed"),
            "transitional": ValueText(
                "Inden for ni måneder",
                "Within nine months",
                "Støtte i en kritisk, tidsafgrænset overgang.",
                "Support through a critical, time-limited transition.",
            ),
            "long_term": ValueText(
                "Længerevarende",
                "Long-term",
                "Behov for støtte ud over ni måneder, uden tidsbegrænsning.",
                "A need for support beyond nine months, without a time limit.",
            ),
        },
    ),
    "situation": Question(
        "Hvad er borgerens boligsituation nu?",
        "What is the citizen's housing situation now?",
        "Den overgang, borgeren står i.",
        "The transition the citizen is in.",
        "000 «1 Målgruppen for CTI»; 003 §3.2",
        {
            "shelter_exit": ValueText("Udflytning fra § 110-boform", "Leaving a § 110 shelter"),
            "hospital_discharge": ValueText("Udskrivning fra hospital", "Hospital discharge"),
            "treatment_discharge": ValueText(
                "Udskrivning fra behandlingstilbud", "Discharge from treatment"
            ),
            "prison_release": ValueText("Løsladelse", "Release from prison"),
            "temporary_stay": ValueText(
                "Midlertidigt ophold hos familie eller venner",
                "Temporary stay with family or friends",
            ),
            "street": ValueText("Gadesovende", "Sleeping rough"),
            "eviction_risk": ValueText("Risiko for udsættelse", "At risk of eviction"),
            "leaving_care": ValueText(
                "Ung, der forlader en anbringelse", "Young person leaving care"
            ),
            "other": ValueText("Andet", "Other"),
        },
    ),
    "negative_service_experiences": Question(
        "Har borgeren typisk negative erfaringer med hjælpesystemerne?",
        "Does the citizen typically have negative experiences with the help systems?",
        "Kendetegner ofte ACT's målgruppe.",
        "Often marks the ACT group.",
        "000 «3 Målgruppen for ACT»",
        _BOOL,
    ),
    "consent": Question(
        "Har borgeren sagt ja til støtten?",
        "Has the citizen said yes to the support?",
        "Borgeren informeres og siger aktivt ja.",
        "The citizen is informed and actively says yes.",
        "003 §4.1",
        _BOOL,
    ),
    "housing_ready": Question(
        "Er der vurderet boligparathed?",
        "Has housing readiness been assessed?",
        "Boligparathed er aldrig et kriterium; svaret giver kun en påmindelse.",
        "Housing readiness is never a criterion; the answer only adds a reminder.",
        "000 Gode råd #3",
        {
            "true": ValueText("Ja, vurderet parat", "Yes, judged ready"),
            "false": ValueText("Ja, vurderet ikke parat", "Yes, judged not ready"),
        },
    ),
    "proposed_method": Question(
        "Hvilken metode overvejer I at visitere til?",
        "Which method do you intend to refer to?",
        "Sammenlignes med anbefalingen; start ikke alle i CTI.",
        "Compared with the recommendation; do not start everyone in CTI.",
        "000 «1 Indsatsvifte»",
        _METHOD_VALUES,
    ),
    "current_method": Question(
        "Hvilken metode modtager borgeren nu (ved revisitation)?",
        "Which method does the citizen receive now (at a re-visitation)?",
        "Kun ved revisitation.",
        "Only at a re-visitation.",
        "000 «1 Målgruppen for CTI»; 003 §3.4.2",
        _METHOD_VALUES,
    ),
    "housing_plan": Question(
        "Er der en plan for, hvordan og hvornår boligen etableres?",
        "Is there a plan for how and when the home is established?",
        "Og for, hvor borgeren opholder sig og støttes i ventetiden.",
        "And for where the citizen stays and is supported meanwhile.",
        "003 §4.1",
        _BOOL,
    ),
    "previous_evictions": Question(
        "Har borgeren tidligere været udsat eller haft mislykkede lejemål?",
        "Has the citizen earlier been evicted or had failed tenancies?",
        "Aldrig et kriterium; giver kun en påmindelse.",
        "Never a criterion; only adds a reminder.",
        "003 §4.1, §2.2",
        _BOOL,
    ),
    "action_plan_offered": Question(
        "Er der tilbudt en § 141-handleplan?",
        "Has a § 141 action plan been offered?",
        "Tilbydes, når borgeren er udredt.",
        "Offered once the citizen is assessed.",
        "003 §4.1",
        _BOOL,
    ),
}

for _name, (_da, _en) in _DIMENSION_NAMES.items():
    QUESTIONS[f"dimensions.{_name}"] = Question(
        _da,
        _en,
        "",
        "",
        "003 kap. 5; skala: KL's Fælles Faglige Begreber (VUM 2.0)",
        _SCALE,
    )

#: the order the questions are asked in (urgency first; then what decides the method)
ANSWER_ORDER: tuple[str, ...] = (
    "urgency",
    "service_use",
    "complexity",
    "support_duration",
    "situation",
    "negative_service_experiences",
    *(f"dimensions.{d}" for d in _DIMENSION_NAMES),
    "consent",
    "housing_plan",
    "action_plan_offered",
    "previous_evictions",
    "housing_ready",
    "proposed_method",
    "current_method",
)


def question_for(name: str, label_da: str, label_en: str, values: tuple[str, ...]) -> Question:
    """The question for a field, or a plain one from the domain's labels for a field this table
    does not (yet) describe."""
    known = QUESTIONS.get(name)
    if known is not None:
        return known
    return Question(
        label_da[:1].upper() + label_da[1:],
        label_en[:1].upper() + label_en[1:],
        "",
        "",
        "",
        {v: ValueText(v, v) for v in values},
    )


LABELS: dict[str, dict[str, str]] = {
    "da": {
        "title": "Visitation til Housing First-støtte",
        "lead": "Udfyld det, I ved. Anbefalingen opdateres undervejs; sagsbehandleren træffer "
        "afgørelsen.",
        "skip": "Spring til indholdet",
        "nav_assess": "Visitation",
        "nav_rules": "Regler",
        "nav_label": "Hovedmenu",
        "switch_lang": "English",
        "switch_lang_label": "Show the page in English",
        "not_given": "Ikke vurderet",
        "answers": "Udredningens svar",
        "core": "Det, der afgør metoden",
        "more": "Flere oplysninger (giver advarsler, ændrer ikke metoden)",
        "dimensions": "Problemer pr. livsområde (0–4)",
        "dimensions_help": "Kan hæve intensiteten, aldrig sænke den.",
        "update": "Opdater anbefalingen",
        "result": "Anbefaling",
        "recommended": "Anbefalet metode",
        "undecided": "Ikke afgjort endnu",
        "possible": "Mulige metoder",
        "next": "Spørg herefter om",
        "next_lead": "De manglende svar, ordnet efter hvor meget de afgør:",
        "if_answer": "Ved svaret",
        "gives": "giver",
        "still_open": "stadig åbent",
        "answer_it": "Besvar",
        "reasons": "Begrundelse",
        "warnings": "Advarsler",
        "infos": "Til orientering",
        "counterfactuals": "Hvad ville ændre anbefalingen?",
        "cf_none": "Ingen ændring af de vurderede svar giver {method}.",
        "cf_would": "{method} ville følge, hvis",
        "cf_or": "eller hvis",
        "cf_was": "var",
        "cf_instead": "i stedet for",
        "borderline": "Grænsetilfælde: ét trin på ét svar ændrer metoden.",
        "portfolio": "Kommunens indsatsvifte",
        "portfolio_none": "Ingen indsatsvifte er sat op for denne tjeneste.",
        "offers": "Tilbyder",
        "lacks": "Tilbyder ikke",
        "source": "Kilde",
        "decision": "Sagsbehandlerens afgørelse",
        "decision_lead": "Du træffer afgørelsen. Afviger den fra anbefalingen, eller er "
        "anbefalingen ikke afgjort, skal du angive en årsag.",
        "decided_method": "Valgt metode",
        "reason": "Årsag til afvigelse",
        "reason_none": "Ingen afvigelse",
        "note": "Bemærkning",
        "note_help": "Kun til afgørelsen; gemmes ikke på serveren.",
        "record": "Vis begrundelsen",
        "errors": "Der er fejl i formularen",
        "grounds_title": "Begrundelse for afgørelsen",
        "print": "Udskriv",
        "download": "Hent som JSON til sagssystemet",
        "back": "Tilbage til visitationen",
        "decided_at": "Afgjort",
        "ruleset": "Regelsæt",
        "version": "version",
        "fingerprint": "fingeraftryk",
        "stored": "Intet er gemt på serveren: oplysningerne findes kun i denne side.",
        "caseworker_decides": "Sagsbehandleren træffer afgørelsen; dette er en anbefaling.",
        "rules_title": "Regelsættet",
        "rules_lead": "Kriterier, advarsler og opfølgningssignaler, som de står i YAML-filerne.",
        "criteria": "Kriterier",
        "when": "Når",
        "cases": "Testcases, der dækker reglen",
        "no_cases": "Ingen testcase nævner reglen.",
        "signals": "Opfølgningssignaler",
        "check": "Resultat af «rules check»",
        "check_ok": "Regelsættet er komplet, monotont og holder garantierne.",
        "check_fail": "Regelsættet har fejl.",
        "examined": "udredninger gennemgået",
        "changelog": "Ændringslog",
        "no_manifest": "Regelsættet har intet manifest (ruleset.yaml).",
        "valid_from": "Gælder fra",
        "file": "Fil",
        "level_warning": "advarsel",
        "level_info": "orientering",
        "decision_reasons": "Årsagskoder for afvigelser",
        "sources": "Kilder",
        "error_page": "Siden findes ikke",
    },
    "en": {
        "title": "Referral to Housing First support",
        "lead": "Fill in what you know. The recommendation updates as you go; the caseworker "
        "decides.",
        "skip": "Skip to the content",
        "nav_assess": "Referral",
        "nav_rules": "Rules",
        "nav_label": "Main menu",
        "switch_lang": "Dansk",
        "switch_lang_label": "Vis siden på dansk",
        "not_given": "Not assessed",
        "answers": "The assessment's answers",
        "core": "What decides the method",
        "more": "More information (adds warnings, never changes the method)",
        "dimensions": "Problems per life dimension (0–4)",
        "dimensions_help": "May raise the intensity, never lower it.",
        "update": "Update the recommendation",
        "result": "Recommendation",
        "recommended": "Recommended method",
        "undecided": "Not decided yet",
        "possible": "Possible methods",
        "next": "Ask next about",
        "next_lead": "The missing answers, ranked by how much they decide:",
        "if_answer": "With the answer",
        "gives": "gives",
        "still_open": "still open",
        "answer_it": "Answer",
        "reasons": "Reasons",
        "warnings": "Warnings",
        "infos": "For information",
        "counterfactuals": "What would change the recommendation?",
        "cf_none": "No change of the assessed answers gives {method}.",
        "cf_would": "{method} would follow if",
        "cf_or": "or if",
        "cf_was": "were",
        "cf_instead": "instead of",
        "borderline": "Borderline: one step on one answer changes the method.",
        "portfolio": "The municipality's portfolio",
        "portfolio_none": "No portfolio is configured for this service.",
        "offers": "Offers",
        "lacks": "Does not offer",
        "source": "Source",
        "decision": "The caseworker's decision",
        "decision_lead": "You decide. When the decision differs from the recommendation, or "
        "the recommendation is undecided, give a reason.",
        "decided_method": "Decided method",
        "reason": "Reason for deviating",
        "reason_none": "No deviation",
        "note": "Note",
        "note_help": "Only for the decision; not stored on the server.",
        "record": "Show the grounds",
        "errors": "The form has errors",
        "grounds_title": "Grounds for the decision",
        "print": "Print",
        "download": "Download as JSON for the case system",
        "back": "Back to the referral",
        "decided_at": "Decided",
        "ruleset": "Rule set",
        "version": "version",
        "fingerprint": "fingerprint",
        "stored": "Nothing is stored on the server: the information lives only in this page.",
        "caseworker_decides": "The caseworker decides; this is a recommendation.",
        "rules_title": "The rule set",
        "rules_lead": "Criteria, warnings and follow-up signals as the YAML files state them.",
        "criteria": "Criteria",
        "when": "When",
        "cases": "Test cases covering the rule",
        "no_cases": "No test case names the rule.",
        "signals": "Follow-up signals",
        "check": "Result of «rules check»",
        "check_ok": "The rule set is complete, monotone and keeps the guarantees.",
        "check_fail": "The rule set has errors.",
        "examined": "assessments examined",
        "changelog": "Changelog",
        "no_manifest": "The rule set has no manifest (ruleset.yaml).",
        "valid_from": "Valid from",
        "file": "File",
        "level_warning": "warning",
        "level_info": "information",
        "decision_reasons": "Reason codes for deviations",
        "sources": "Sources",
        "error_page": "Page not found",
    },
}
