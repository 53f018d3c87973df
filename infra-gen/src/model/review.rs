//! Decisions a reviewer must see next to the resource they concern: a third-party finding that
//! does not apply, and a replacement of a stateful resource that is meant.

use serde_json::{Map, Value, json};

use super::raw::RawValue;
use super::{Kind, Properties};
use crate::Error;

/// Words a reason is not made of: a placeholder (`TODO`, `t.b.d.`, lorem ipsum, the
/// metasyntactic `foo`/`baz`/`qux`; `n/a` below).
const PLACEHOLDERS: &[&str] = &[
    "todo",
    "tbd",
    "tbc",
    "tba",
    "fixme",
    "xxx",
    "wip",
    "lorem",
    "ipsum",
    "placeholder",
    "asdf",
    "foo",
    "baz",
    "qux",
    "quux",
    "xyzzy",
    "hoge",
    "fuga",
    "piyo",
];
/// Words that only name what is excused, which a reason's count of words leaves out.
const EXCUSING: &[&str] = &[
    "exception",
    "exceptions",
    "excepted",
    "suppression",
    "suppressions",
    "suppressed",
    "suppress",
    "suppressing",
    "waiver",
    "exempt",
    "exemption",
];
/// Words that say who approved something or where it is recorded, not why: approving and
/// recording, references, and who approves. A reason made only of these (with function words,
/// names and ticket numbers) is an authorization (`Approved by the platform team lead`,
/// `see OPS-4411, signed off by security`), which says nothing a reviewer can check.
const AUTHORITY: &[&str] = &[
    // Approving.
    "approve",
    "approved",
    "approves",
    "approval",
    "approvals",
    "sign",
    "signed",
    "signoff",
    "off",
    "agree",
    "agreed",
    "agreement",
    "accept",
    "accepted",
    "acceptance",
    "ok",
    "okay",
    "okayed",
    "lgtm",
    "ack",
    "acked",
    "acknowledged",
    "authorised",
    "authorized",
    "authorisation",
    "authorization",
    "sanctioned",
    // Conformance to whoever it was aligned with: `aligned with the CTO before the release`.
    "aligned",
    "cleared",
    "granted",
    "permitted",
    "allowed",
    "confirmed",
    "endorsed",
    "ratified",
    "waived",
    "decided",
    "decision",
    "requested",
    "request",
    // A demand is who wants it: `business requirement from the product team`.
    "requirement",
    "requirements",
    "reviewed",
    "vetted",
    "audited",
    "objection",
    "objections",
    "raised",
    // Who agreed, as a body: `discussed at length, consensus reached`.
    "consensus",
    "reached",
    "length",
    "asked",
    "instructed",
    "mandated",
    "told",
    "said",
    "blessed",
    "already",
    "got",
    "given",
    // Where it is recorded.
    "see",
    "ticket",
    "tickets",
    "issue",
    "jira",
    "pr",
    "cr",
    "rfc",
    "adr",
    "record",
    "recorded",
    "discussed",
    "discussion",
    "meeting",
    "call",
    "thread",
    "email",
    "mail",
    "slack",
    "chat",
    "sync",
    "standup",
    "review",
    "reviewed",
    "wiki",
    "confluence",
    "page",
    "doc",
    "docs",
    "link",
    "comment",
    "channel",
    "minutes",
    "notes",
    // Who wants it, by role (`required by the vendor`, `vom Kunden so gewünscht`), and where
    // a rule is written that it only cites (`the customer contract requires it`, `matches the
    // reference architecture`, `part of the golden path`, `our threat model covers this`).
    "vendor",
    "vendors",
    "supplier",
    "suppliers",
    "provider",
    "providers",
    "customer",
    "customers",
    "client",
    "clients",
    "consultant",
    "consultants",
    "partner",
    "partners",
    "contractor",
    "partenaire",
    "socio",
    "parceiro",
    "fachbereich",
    "fachbereichs",
    "support",
    "solutions",
    "pm",
    "po",
    "fornecedor",
    "kunde",
    "kunden",
    "lieferant",
    "anbieter",
    "fournisseur",
    "proveedor",
    "fornitore",
    "leverancier",
    "klant",
    "cliente",
    "contract",
    "contracts",
    "sla",
    "checklist",
    "guide",
    "guideline",
    "guidelines",
    "template",
    "blueprint",
    "baseline",
    "reference",
    "framework",
    "runbook",
    "playbook",
    "handbook",
    "spec",
    "specification",
    "threat",
    "model",
    "documentation",
    "documented",
    "default",
    "defaults",
    "landing",
    "zone",
    "line",
    "best",
    "practices",
    "aws",
    "golden",
    "paved",
    "path",
    "road",
    "vertrag",
    "contrat",
    "contrato",
    "contratto",
    // Who approves.
    "team",
    "teams",
    "lead",
    "leads",
    "manager",
    "managers",
    "management",
    "security",
    "secops",
    "infosec",
    "platform",
    "sre",
    "ops",
    "devops",
    "architect",
    "architects",
    "architecture",
    "board",
    "committee",
    "guild",
    "council",
    "forum",
    "director",
    "head",
    "cto",
    "ciso",
    "cio",
    "vp",
    "owner",
    "owners",
    "office",
    "officer",
    "product",
    "engineering",
    "compliance",
    "legal",
    "audit",
    "auditor",
    "auditors",
    "stakeholder",
    "stakeholders",
    "everyone",
    "me",
    "him",
    "her",
    "them",
    "us",
    // `us` in the other languages read.
    "uns",
    "nous",
    "nosotros",
    "noi",
    "nós",
    "ons",
    "someone",
    "somebody",
    "ask",
    "ping",
    "contact",
    "now",
    // The other languages reasons are read in (German, French, Spanish, Portuguese, Italian,
    // Dutch): approving, pointing elsewhere, who approves.
    "freigegeben",
    "genehmigt",
    "abgenommen",
    "abgestimmt",
    "vereinbart",
    "besprochen",
    "akzeptiert",
    "siehe",
    "laut",
    "gemäß",
    "sicherheit",
    "leitung",
    "approuvé",
    "approuvée",
    "validé",
    "validée",
    "accepté",
    "acceptée",
    "convenu",
    "voir",
    "équipe",
    "sécurité",
    "responsable",
    "aprobado",
    "aprobada",
    "validado",
    "validada",
    "aceptado",
    "aceptada",
    "acordado",
    "ver",
    "equipo",
    "seguridad",
    "aprovado",
    "aprovada",
    "aceito",
    "equipe",
    "segurança",
    "approvato",
    "approvata",
    "validato",
    "accettato",
    "vedi",
    "squadra",
    "sicurezza",
    "goedgekeurd",
    "akkoord",
    "zie",
    "beveiliging",
];

/// Words that say when (`in the quarterly review`, `on Tuesday`, `le 3 mars`): the periods of
/// recurring meetings and the days and months of the languages reasons are read in.
const WHEN: &[&str] = &[
    "today",
    "yesterday",
    "tomorrow",
    "during",
    "daily",
    // `last year`, `two months ago`.
    "last",
    "two",
    "three",
    "few",
    "several",
    "ago",
    "year",
    "years",
    "weekly",
    "biweekly",
    "fortnightly",
    "monthly",
    "quarterly",
    "quarter",
    "annual",
    "annually",
    "yearly",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// `temporary` and `for now` in German, French, Spanish, Italian, Portuguese and Dutch: a
/// plan, which says nothing of why.
const TEMPORARY_ABROAD: &[&str] = &[
    "vorübergehend",
    "übergangsweise",
    "vorläufig",
    "temporär",
    "provisoire",
    "provisoirement",
    "temporaire",
    "temporairement",
    "temporal",
    "temporalmente",
    "provisional",
    "provisionalmente",
    "temporaneo",
    "temporanea",
    "temporaneamente",
    "provvisorio",
    "provvisoriamente",
    "temporário",
    "temporária",
    "temporariamente",
    "provisório",
    "provisoriamente",
    "tijdelijk",
    "voorlopig",
];

/// Words that give a verdict, a hedge, a scope or a plan without a why: `should be fine`,
/// `not needed here, trust me`, `accepted risk`, `false positive`, `won't fix: low priority`,
/// `legacy configuration`, `temporary, we will revisit this`. A reason made only of these
/// (with the words [`authority_only`] leaves out) says nothing a reviewer can check.
const VERDICTS: &[&str] = &[
    "fine",
    "ok",
    "okay",
    "safe",
    "needed",
    "necessary",
    "relevant",
    "irrelevant",
    "applicable",
    "important",
    "acceptable",
    "risk",
    "risks",
    "false",
    "positive",
    "positives",
    "priority",
    "low",
    "minor",
    "wont",
    "won",
    "fix",
    "fixed",
    "problem",
    "concern",
    "legacy",
    "configuration",
    "config",
    "intentional",
    "intended",
    "deliberate",
    "design",
    "business",
    "probably",
    "likely",
    "maybe",
    "perhaps",
    "presumably",
    "hopefully",
    "trust",
    "believe",
    "think",
    "guess",
    "temporary",
    "temporarily",
    "later",
    "soon",
    "revisit",
    "revisited",
    "planned",
    "plan",
    "then",
    "one",
    "here",
    "account",
    "environment",
    "same",
    "similar",
    "identical",
    "done",
    "known",
    "tracked",
    "changed",
    "change",
    "next",
    "sprint",
    "week",
    "launch",
    "deadline",
    "service",
    "services",
    "setup",
    // `does not apply here, trust me`, `do not touch`, `this is how the other stacks do it`.
    "apply",
    "applies",
    "me",
    "touch",
    "how",
    "other",
    "others",
    "stack",
    "stacks",
    "too",
    "everywhere",
    // A rule named, not its why: `standard practice at our company`, `per our internal
    // policy`.
    "standard",
    "practice",
    // A verdict of scope or intent: `works as intended`, `expected behaviour for this
    // workload`, `a known limitation`, `out of scope`, `no aplica a este servicio`.
    "works",
    "expected",
    "behaviour",
    "behavior",
    "limitation",
    "limitations",
    "scope",
    "out",
    "aplica",
    "gilt",
    "betrifft",
    // What it is about, not why: `for the integration`, `for this workload`.
    "workload",
    "workloads",
    "integration",
    "integração",
    "intégration",
    "integración",
    "integrazione",
    "integratie",
    "servicio",
    "servizio",
    "serviço",
    "dienst",
    // No harm so far, which says nothing of why none will come: `like this for two years
    // without any incident`, `the pen test found nothing`, `the auditors did not flag it`.
    "like",
    "incident",
    "incidents",
    "issues",
    "problems",
    "outage",
    "outages",
    "year",
    "years",
    "two",
    "three",
    "several",
    "many",
    "months",
    "last",
    "always",
    "pen",
    "pentest",
    "test",
    "found",
    "flag",
    "flagged",
    "finding",
    "findings",
    "scan",
    "passed",
    // Where it comes from: `inherited from the template we forked`, `set up this way by the
    // previous team`, `the platform default, unchanged`.
    "unchanged",
    "previous",
    "set",
    "up",
    "way",
    "happened",
    "bad",
    "far",
    "relationship",
    "relationships",
    "following",
    "follows",
    "follow",
    "inherited",
    "forked",
    "copied",
    "cloned",
    // Conformance to what is cited: `matches the reference architecture`, `aligned with
    // the CTO`.
    "matches",
    "match",
    "part",
    "covers",
    "covered",
    "compliant",
    "consistent",
    "conforms",
    // What a plan does to it, not why it is there now: `will be removed later`.
    "removed",
    "remove",
    // Common practice and the scanner being wrong, which say nothing of this resource:
    // `industry standard practice`, `common practice in serverless`, `everybody does this`,
    // `the linter is wrong here`, `Checkov does not understand our setup`.
    "industry",
    "common",
    "everybody",
    "serverless",
    "linter",
    "scanner",
    "scanners",
    "checkov",
    "noise",
    "wrong",
    "understand",
    "understands",
    "kickoff",
    // A why's connectors and pronouns, which say nothing by themselves: `because the product
    // manager asked for it`, `because that is what the vendor recommends`.
    "because",
    "since",
    "weil",
    "parce",
    "que",
    "porque",
    "perché",
    "omdat",
    "what",
    "did",
    "had",
    // `not a real issue in our setup`, `fine for now, nobody complained`.
    "real",
    "nobody",
    "complained",
    "complaints",
    "company",
    "policy",
    "internal",
    "relevante",
    "pertinent",
];

/// Whether `reason` says only who approved it or where it is recorded, or gives a verdict
/// without a why: once function words, [`AUTHORITY`] words, who did it (`approved by …`,
/// `agreed with …` to the end of its clause; an initial, `J. Smith`, ends no sentence), links,
/// ticket numbers and dates (any word with a digit, [`WHEN`]), names (a capitalised word not
/// starting a sentence), pointers to the details elsewhere, [`VERDICTS`], what a plan waits
/// for (`revisit this after the migration`) and what it is the same as (`the same as the other
/// services have`), each to the end of its clause, and the words of `named` (the rule's) are
/// left out, no word is left to say why.
fn authority_only(reason: &str, named: &[String]) -> bool {
    // What a reason points at instead of saying: its details, elsewhere.
    const ELSEWHERE: &[&str] = &[
        "details",
        "detail",
        "info",
        "information",
        "context",
        "background",
        "reason",
        "reasons",
        "rationale",
        "justification",
        "explanation",
        "why",
    ];
    // Words that start a clause of its own after an agent (`approved by security because …`).
    const CLAUSE: &[&str] = &[
        "because", "since", "as", "so", "which", "that", "given", "due", "while", "where", "when",
    ];
    let mut starts_sentence = true;
    // Inside `approved by …`: who did it, to the end of its clause.
    let (mut agent, mut approving) = (false, false);
    // A plan put off, and inside `after …` or `the same as …` once one is.
    let (mut put_off, mut event) = (false, false);
    // A link is where it is recorded.
    let text: Vec<&str> = reason
        .split_whitespace()
        .filter(|t| !t.contains("://") && !t.starts_with("www."))
        .collect();
    let joined = text.join(" ");
    let tokens: Vec<&str> = joined
        .split_inclusive(|c: char| !c.is_alphanumeric())
        .collect();
    let word_of = |t: &str| -> String { t.chars().filter(|c| c.is_alphanumeric()).collect() };
    for (i, token) in tokens.iter().enumerate() {
        let word = word_of(token);
        // A modifier of where the details are (`for the full rationale`) points there too.
        let points = tokens[i + 1..]
            .iter()
            .map(|t| word_of(t))
            .find(|w| !w.is_empty())
            .is_some_and(|next| ELSEWHERE.contains(&next.to_lowercase().as_str()));
        let initial = word.chars().count() == 1
            && word.chars().all(char::is_uppercase)
            && token.ends_with('.');
        let ends = token.ends_with(['.', '!', '?', ';', ':']) && !initial;
        if !word.is_empty() {
            let lower = word.to_lowercase();
            // What it conforms to is no why either: `consistent with what every team does`.
            event |= matches!(
                lower.as_str(),
                "same"
                    | "similar"
                    | "identical"
                    | "consistent"
                    | "consistently"
                    | "aligned"
                    | "conform"
                    | "conforms"
                    | "mirrors"
                    | "matches"
            ) || put_off
                && matches!(
                    lower.as_str(),
                    "after"
                        | "until"
                        | "till"
                        | "before"
                        | "once"
                        // The other languages' `until`: `bis zur Migration`, `jusqu'à`.
                        | "bis"
                        | "jusqu"
                        | "jusquà"
                        | "hasta"
                        | "fino"
                        | "até"
                        | "tot"
                );
            put_off |= matches!(
                lower.as_str(),
                "temporary" | "temporarily" | "revisit" | "planned" | "plan" | "fix" | "later"
            ) || TEMPORARY_ABROAD.contains(&lower.as_str());
            agent = (agent && !CLAUSE.contains(&lower.as_str()))
                || (approving
                    && matches!(
                        lower.as_str(),
                        "by" | "with"
                            | "from"
                            | "durch"
                            | "von"
                            | "vom"
                            | "par"
                            | "por"
                            | "pelo"
                            | "pela"
                            | "da"
                            | "dal"
                            | "dalla"
                            | "door"
                    ));
            // A contraction's letter (`OK'd`) keeps the word before it.
            if word.chars().count() > 1 {
                approving = AUTHORITY.contains(&lower.as_str()) || demand(&lower);
            }
            let name = !starts_sentence && word.chars().next().is_some_and(char::is_uppercase);
            let said = !(agent
                || event
                || name
                || points
                || WHEN.contains(&lower.as_str())
                || VERDICTS.contains(&lower.as_str())
                || TEMPORARY_ABROAD.contains(&lower.as_str())
                || word.chars().any(|c| c.is_ascii_digit())
                || word.chars().count() < 2
                || AUTHORITY.contains(&lower.as_str())
                || demand(&lower)
                // A compound naming a team (`Sicherheitsteam`, `securityteam`).
                || (lower.len() > 4 && lower.ends_with("team"))
                || ELSEWHERE.contains(&lower.as_str())
                || EXCUSING.contains(&lower.as_str())
                || named.contains(&lower)
                || crate::model::lambda::reason::function_word(&lower));
            // One word that says something is enough: most reasons stop here at once.
            if said {
                return false;
            }
            starts_sentence = false;
        }
        starts_sentence |= ends;
        let clause_ends = token.ends_with(['.', '!', '?', ';', ':', ',']) && !initial;
        agent &= !clause_ends;
        event &= !clause_ends;
        // A plan reaches past a comma to what it waits for: `temporary, until the migration`.
        put_off &= !ends;
    }
    true
}

/// Whether `reason` gives no why: only who approved or wants it, where that is recorded, a
/// verdict ([`authority_only`]) or a verdict told as a guess. Crossings' reasons are held to
/// it too.
pub(crate) fn no_why(reason: &str) -> bool {
    authority_only(reason, &[]) || hedged_verdict(reason)
}

/// A demand or advice in any form, which says who wants something, not why: `required by
/// the vendor`, `the contract requires it`, `recommended by our architect`, `mandated`,
/// `exigido`, `gewünscht`, `demandé`, `richiesto`, `gevraagd`.
fn demand(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "requir",
        "recommend",
        "mandat",
        "demand",
        "insist",
        "prescri",
        "stipulat",
        "dictat",
        "suggest",
        "advis",
        "exig",
        "wünsch",
        "gewünsch",
        "verlang",
        "gefordert",
        "souhait",
        "solicit",
        "requer",
        "richiest",
        "gevraagd",
        // A preference is who wants it: `the service team prefers it this way`.
        "prefer",
        "want",
        "wish",
        "vereist",
        "gewenst",
    ];
    STEMS.iter().any(|s| w.starts_with(s)) || matches!(w, "pedido" | "demandé" | "demandée")
}

/// A verdict told as a guess (`probably not relevant`, `maybe fine here`): the hedge right
/// before a verdict or a negation, in any language read, in a reason that is that one
/// statement. A guess is nothing a reviewer can check; a why after it (`probably not
/// relevant: the function is only invoked synchronously`) is.
fn hedged_verdict(reason: &str) -> bool {
    let words: Vec<String> = reason.split_whitespace().map(squash).collect();
    let one_statement = reason
        .trim_end_matches(['.', '!', ' '])
        .split([':', ';', '.', '—', '(', '!', '?'])
        .filter(|p| !p.trim().is_empty())
        .count()
        == 1
        && !words.iter().any(|w| {
            matches!(
                w.as_str(),
                "because" | "so" | "since" | "as" | "weil" | "porque"
            )
        });
    const HEDGES: &[&str] = &[
        "probably",
        "presumably",
        "maybe",
        "perhaps",
        "hopefully",
        "supposedly",
        "wahrscheinlich",
        "vermutlich",
        "probablement",
        "probablemente",
        "quizás",
        "probabilmente",
        "forse",
        "provavelmente",
        "talvez",
        "waarschijnlijk",
        "misschien",
    ];
    one_statement
        && words.iter().enumerate().any(|(i, w)| {
            HEDGES.contains(&w.as_str())
                && words[i + 1..].iter().take(2).any(|n| {
                    VERDICTS.contains(&n.as_str())
                        || matches!(
                            n.as_str(),
                            "not" | "no" | "nicht" | "pas" | "non" | "niet" | "não"
                        )
                })
        })
}

/// Word pairs of a form's prompt left in place: `[insert the reason here]`, `your reason`.
const PROMPTS: &[(&str, &str)] = &[
    ("reason", "here"),
    ("why", "here"),
    ("goes", "here"),
    ("text", "here"),
    ("your", "reason"),
    ("fill", "in"),
];

/// `reason` if it is a sentence saying why: four different words of two letters or more that
/// do not only name what is excused (`names`: the rule's id, e.g. `log-retention`), a function
/// word of a language (prose, not keyboard mash), no placeholder or prompt, and more than who
/// approved it or where that is recorded ([`authority_only`]). Words are
/// compared in lower case without inner punctuation, so `T.B.D.` is `tbd` and `N/A` is `na`.
fn sentence(what: &'static str, reason: String, names: &str) -> Result<String, Error> {
    let words: Vec<String> = reason.split_whitespace().map(squash).collect();
    let named: Vec<String> = names
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .chain([squash(names)])
        .collect();
    // The rule's name, and the nouns calling it one right after it (`log retention policy
    // rule`), only name what is excused.
    let mut naming = false;
    let counted: std::collections::BTreeSet<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| {
            naming = named.iter().any(|n| n == w)
                || naming && matches!(*w, "policy" | "rule" | "rules" | "requirement");
            !naming
        })
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .filter(|w| !EXCUSING.contains(w))
        .collect();
    // Prose has a function word of some language (`the`, `in`, `die`, `les`); keyboard mash
    // (`qwer zxcv hjkl uiop`) and letter pairs (`aa bb cc dd`) have four words and none.
    let prose = reason
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| crate::model::lambda::reason::function_word(&w.to_lowercase()));
    if counted.len() < 4
        || placeholder(&reason)
        || !prose
        || authority_only(&reason, &named)
        || hedged_verdict(&reason)
    {
        return Err(Error::Invalid {
            what,
            value: reason,
            expected: "a sentence saying why (four different words besides the rule's name, written as prose with words such as the, for, in; not a placeholder such as TODO or n/a, nor only who approved it or where that is recorded)",
        });
    }
    Ok(reason)
}

/// A word in lower case without inner punctuation: `T.B.D.` is `tbd`, `N/A` is `na`.
fn squash(w: &str) -> String {
    w.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `reason` holds a placeholder or a form's prompt instead of saying why (`TODO`,
/// `n/a`, lorem ipsum, `[your reason here]`); a negated one (`there is no TODO`) is none.
pub(crate) fn placeholder(reason: &str) -> bool {
    let words: Vec<String> = reason.split_whitespace().map(squash).collect();
    // `n/a`, `N.A.`; a bare `na` is a word in Portuguese.
    let not_applicable = reason
        .split_whitespace()
        .any(|w| squash(w) == "na" && w.contains(['/', '.']));
    let negated = |i: usize| i > 0 && matches!(words[i - 1].as_str(), "no" | "not" | "without");
    // `our to-do list app`: the noun `to-do` before the noun it qualifies, not the marker
    // (`TODO`, `to-do:`); and the marker's word naming an app of lists (`the TODO app`).
    let raw: Vec<&str> = reason.split_whitespace().collect();
    let noun = |i: usize| {
        raw[i].eq_ignore_ascii_case("to-do")
            && raw
                .get(i + 1)
                .is_some_and(|n| n.starts_with(|c: char| c.is_alphabetic()))
            || raw[i].eq_ignore_ascii_case("todo")
                && raw.get(i + 1).is_some_and(|n| {
                    matches!(
                        squash(n).as_str(),
                        "app" | "apps" | "application" | "manager" | "tracker"
                    )
                })
    };
    not_applicable
        || words
            .iter()
            .enumerate()
            .any(|(i, w)| PLACEHOLDERS.contains(&w.as_str()) && !negated(i) && !noun(i))
        || words
            .windows(2)
            .any(|p| PROMPTS.contains(&(p[0].as_str(), p[1].as_str())))
        || deferred(&words)
}

/// Whether the reason says it is yet to be written: a word naming the reason itself and, in
/// the rest of its clause (to punctuation or `that`, `because`: a sentence of its own, `the
/// reason is that logs are exported and deleted later`), one putting it off (`reason to be
/// added later`, `justification will follow`, `details in a follow-up`) or a future or pending
/// writing of it (`justification to be written up by the team`, `rationale will be provided`,
/// `explanation not yet documented`).
fn deferred(words: &[String]) -> bool {
    const ITSELF: &[&str] = &[
        "reason",
        "reasons",
        "justification",
        "rationale",
        "explanation",
        "details",
        "description",
    ];
    const PUT_OFF: &[&str] = &[
        "later",
        "soon",
        "follow",
        "follows",
        "followup",
        "forthcoming",
        "pending",
        "tomorrow",
        "eventually",
        "yet",
        "tba",
    ];
    /// Writing it down: what a reason still to come is waiting for.
    const WRITING: &[&str] = &[
        "written",
        "write",
        "added",
        "add",
        "provided",
        "provide",
        "documented",
        "document",
        "filled",
        "fill",
        "supplied",
        "supply",
        "explained",
        "explain",
        "updated",
        "update",
        "clarified",
        "clarify",
        "drafted",
        "draft",
        "confirmed",
        "confirm",
        "defined",
        "define",
        "agreed",
        "determined",
        "completed",
        "complete",
        "finalised",
        "finalized",
        "finalise",
        "finalize",
    ];
    let clause = |i: usize| {
        let mut end = i + 1;
        // The words are squashed (no punctuation left): a clause ends at its conjunction, and
        // within ten words.
        while end < words.len()
            && end < i + 11
            && !matches!(
                words[end].as_str(),
                "that" | "because" | "since" | "as" | "so"
            )
        {
            end += 1;
        }
        &words[i + 1..end]
    };
    words.iter().enumerate().any(|(i, w)| {
        if !ITSELF.contains(&w.as_str()) {
            return false;
        }
        let rest = clause(i);
        rest.iter()
            .take(4)
            .any(|later| PUT_OFF.contains(&later.as_str()))
            || rest.windows(2).any(|p| {
                matches!(p[0].as_str(), "be" | "will" | "shall" | "being" | "yet")
                    && WRITING.contains(&p[1].as_str())
            })
    })
}

/// The third-party checkers `tests/validate/run.sh` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    /// Rules such as `CKV_AWS_117`.
    Checkov,
    /// AWS Control Tower guard rules such as `lambda_inside_vpc_check`.
    CfnGuard,
    /// Rules such as `W3005`.
    CfnLint,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Self::Checkov => "checkov",
            Self::CfnGuard => "cfn-guard",
            Self::CfnLint => "cfn-lint",
        }
    }
}

/// A finding of `tool`'s `rule` on one resource that does not apply, and why. It is written
/// into the resource's `Metadata` in the tool's own format, so the tool itself skips it and
/// the template says why; CI never skips a rule wholesale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    tool: Tool,
    rule: String,
    reason: String,
}

impl Suppression {
    pub fn new(tool: Tool, rule: &str, reason: impl Into<String>) -> Result<Self, Error> {
        let well_formed = match tool {
            Tool::Checkov => rule.starts_with("CKV") && !rule.contains(char::is_whitespace),
            Tool::CfnGuard => {
                !rule.is_empty()
                    && rule
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            }
            Tool::CfnLint => {
                rule.len() >= 2
                    && rule.starts_with(['E', 'W', 'I'])
                    && rule[1..].bytes().all(|b| b.is_ascii_digit())
            }
        };
        if !well_formed {
            return Err(Error::Invalid {
                what: "suppressed rule",
                value: rule.to_owned(),
                expected: "a checkov id (CKV_AWS_117), a guard rule name (lambda_inside_vpc_check) or a cfn-lint code (W3005)",
            });
        }
        Ok(Self {
            tool,
            rule: rule.to_owned(),
            reason: sentence("suppression reason", reason.into(), rule)?,
        })
    }
    pub fn tool(&self) -> Tool {
        self.tool
    }
    pub fn rule(&self) -> &str {
        &self.rule
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A rule of the project's retention and image policy (`build::Policy`, judged by lint
/// `policy`) that one resource may be excepted from with a written reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyRule {
    /// A log group keeps its logs at least the policy's minimum.
    LogRetention,
    /// An ECR repository's tags are immutable.
    ImmutableTags,
    /// An ECR repository scans every pushed image.
    ScanOnPush,
    /// An ECR repository has a lifecycle policy.
    LifecyclePolicy,
    /// The lifecycle policy expires untagged images and keeps at least the policy's number of
    /// images, never expiring tagged ones by age (that could delete the running image).
    ImagesKept,
}

impl PolicyRule {
    pub const ALL: [Self; 5] = [
        Self::LogRetention,
        Self::ImmutableTags,
        Self::ScanOnPush,
        Self::LifecyclePolicy,
        Self::ImagesKept,
    ];

    /// The rule's name in findings and on the review page.
    pub fn code(self) -> &'static str {
        match self {
            Self::LogRetention => "log-retention",
            Self::ImmutableTags => "immutable-tags",
            Self::ScanOnPush => "scan-on-push",
            Self::LifecyclePolicy => "lifecycle-policy",
            Self::ImagesKept => "images-kept",
        }
    }

    /// The rules of `tests/validate/run.sh`'s scanners that judge the same property: a plain
    /// suppression of one of them is refused (the policy's exception is the way around it).
    pub fn scanner_rules(self) -> &'static [(Tool, &'static str)] {
        match self {
            Self::LogRetention => &[RETENTION_TOO_SHORT, RETENTION_MISSING],
            Self::ImmutableTags => &[
                (Tool::Checkov, "CKV_AWS_51"),
                (Tool::CfnGuard, "ecr_private_tag_immutability_enabled_check"),
            ],
            Self::ScanOnPush => &[
                (Tool::Checkov, "CKV_AWS_163"),
                (Tool::CfnGuard, "ecr_private_image_scanning_enabled_check"),
            ],
            Self::LifecyclePolicy => &[(
                Tool::CfnGuard,
                "ecr_private_lifecycle_policy_configured_check",
            )],
            Self::ImagesKept => &[],
        }
    }

    /// Those of [`PolicyRule::scanner_rules`] that fail on `properties` when it breaks this
    /// rule: an exception suppresses exactly these with its reason, so a resource `check`
    /// accepts is one the scanners accept, and no suppression it writes is one nothing needs
    /// (stale in the suite). Log retention is judged by two: cfn-guard's fails a retention
    /// under a year and takes none as "never expire", checkov's `CKV_AWS_66` fails only a log
    /// group without one (a raw one; the modelled kind always has one); a year or more as a
    /// number fails neither (the policy is broken otherwise: a `DELIVERY` class group).
    pub fn scanner_rules_for(self, properties: &Properties) -> &'static [(Tool, &'static str)] {
        const YEAR: f64 = 365.0;
        let retention = match properties {
            Properties::LogGroup(g) => Some(Some(f64::from(g.retention.days()))),
            Properties::Raw(r) if r.type_name() == "AWS::Logs::LogGroup" => {
                Some(match r.properties().get("RetentionInDays") {
                    None => None,
                    Some(RawValue::Number(n)) => Some(n.as_f64().unwrap_or(0.0)),
                    // Text or an intrinsic: what cfn-guard compares is not a number.
                    Some(_) => Some(0.0),
                })
            }
            _ => None,
        };
        match (self, retention) {
            (Self::LogRetention, Some(None)) => &[RETENTION_MISSING],
            (Self::LogRetention, Some(Some(days))) if days >= YEAR => &[],
            (Self::LogRetention, _) => &[RETENTION_TOO_SHORT],
            _ => self.scanner_rules(),
        }
    }
}

/// cfn-guard's (Control Tower's) retention rule: a log group's `RetentionInDays`, if given, at
/// least 365.
const RETENTION_TOO_SHORT: (Tool, &str) = (
    Tool::CfnGuard,
    "cloudwatch_log_group_retention_period_check",
);
/// checkov's: a log group gives a `RetentionInDays`.
const RETENTION_MISSING: (Tool, &str) = (Tool::Checkov, "CKV_AWS_66");

/// Consent that one resource does not meet a [`PolicyRule`], and why. Lint `policy` accepts
/// the resource for that rule, the review page lists it, and the template carries it as the
/// suppressions of the rule's [`PolicyRule::scanner_rules`]. An exception the resource does
/// not need is itself a finding, so exceptions do not outlive their cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyException {
    rule: PolicyRule,
    reason: String,
}

impl PolicyException {
    pub fn new(rule: PolicyRule, reason: impl Into<String>) -> Result<Self, Error> {
        Ok(Self {
            rule,
            reason: sentence("policy exception reason", reason.into(), rule.code())?,
        })
    }
    pub fn rule(&self) -> PolicyRule {
        self.rule
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The scanners' suppressions this exception stands for on a resource of `properties`.
    pub fn suppressions(&self, properties: &Properties) -> impl Iterator<Item = Suppression> + '_ {
        self.rule
            .scanner_rules_for(properties)
            .iter()
            .map(|&(tool, rule)| Suppression {
                tool,
                rule: rule.to_owned(),
                reason: self.reason.clone(),
            })
    }
}

/// Adds each tool's suppression block to `metadata`:
///
/// * checkov reads `checkov: {skip: [{id, comment}]}`;
/// * cfn-lint reads `cfn-lint: {config: {ignore_checks: [...]}}`;
/// * guard rules written for it read `guard: {SuppressedRules: [...]}`. The Control Tower rules
///   do not, so `tests/validate/run.sh` applies that list itself.
///
/// cfn-lint's and guard's formats carry no reason, so every reason is also kept under
/// `infra-gen: {SuppressionReasons: {"<tool> <rule>": reason}}`, which run.sh prints.
pub(crate) fn write_suppressions(suppressions: &[Suppression], metadata: &mut Map<String, Value>) {
    if suppressions.is_empty() {
        return;
    }
    let of = |tool: Tool| suppressions.iter().filter(move |s| s.tool == tool);
    let checkov: Vec<Value> = of(Tool::Checkov)
        .map(|s| json!({ "id": s.rule, "comment": s.reason }))
        .collect();
    if !checkov.is_empty() {
        metadata.insert("checkov".into(), json!({ "skip": checkov }));
    }
    let lint: Vec<&str> = of(Tool::CfnLint).map(|s| s.rule.as_str()).collect();
    if !lint.is_empty() {
        metadata.insert(
            "cfn-lint".into(),
            json!({ "config": { "ignore_checks": lint } }),
        );
    }
    let guard: Vec<&str> = of(Tool::CfnGuard).map(|s| s.rule.as_str()).collect();
    if !guard.is_empty() {
        metadata.insert("guard".into(), json!({ "SuppressedRules": guard }));
    }
    let reasons: Map<String, Value> = suppressions
        .iter()
        .filter(|s| s.tool != Tool::Checkov)
        .map(|s| (format!("{} {}", s.tool.name(), s.rule), json!(s.reason)))
        .collect();
    if !reasons.is_empty() {
        infra_gen_record(metadata).insert("SuppressionReasons".into(), Value::Object(reasons));
    }
}

/// infra-gen's own block of a resource's `Metadata`, where it records what the scanners'
/// formats cannot hold and what the replacement guard reads back from the committed template.
fn infra_gen_record(metadata: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let entry = metadata
        .entry("infra-gen")
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    match entry {
        Value::Object(m) => m,
        _ => unreachable!("made an object above"),
    }
}

/// The key under infra-gen's `Metadata` block that records the acknowledgement a template was
/// rendered with ([`ReplacementAck::record`]).
const ACKNOWLEDGED: &str = "ReplacementAcknowledged";

/// Consent to replace a stateful resource: a change to one of its create-only properties
/// (see `schemas/`) makes CloudFormation create a new one and orphan the retained old one with
/// its data. Without this, `generate` and `check` refuse such a change. It consents to one
/// replacement: the template records it ([`ReplacementAck::record`]), and the guard does not
/// take an acknowledgement the committed template already records for a further replacement
/// (left in the definition, it would otherwise let every later one through unread). Remove it
/// once the change is deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementAck(String);

impl ReplacementAck {
    pub fn new(reason: impl Into<String>) -> Result<Self, Error> {
        sentence("replacement acknowledgement", reason.into(), "").map(Self)
    }
    pub fn reason(&self) -> &str {
        &self.0
    }

    /// Writes this acknowledgement into a resource's `Metadata` (`infra-gen:
    /// {ReplacementAcknowledged: reason}`), so the committed template says which replacement
    /// it was spent on.
    pub(crate) fn record(&self, metadata: &mut Map<String, Value>) {
        infra_gen_record(metadata).insert(ACKNOWLEDGED.into(), Value::String(self.0.clone()));
    }

    /// Whether `committed`, a resource of a committed template, was rendered with this
    /// acknowledgement: it was spent on the replacement that template already holds.
    pub fn spent_in(&self, committed: &Value) -> bool {
        committed
            .pointer(&format!("/Metadata/infra-gen/{ACKNOWLEDGED}"))
            .and_then(Value::as_str)
            == Some(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressions_need_a_well_formed_rule_and_a_sentence() {
        let why = "the function is only invoked synchronously";
        assert!(Suppression::new(Tool::Checkov, "CKV_AWS_116", why).is_ok());
        assert!(Suppression::new(Tool::Checkov, "116", why).is_err());
        assert!(Suppression::new(Tool::CfnGuard, "lambda_inside_vpc_check", why).is_ok());
        assert!(Suppression::new(Tool::CfnGuard, "CT.LAMBDA.PR.3", why).is_err());
        assert!(Suppression::new(Tool::CfnLint, "W3005", why).is_ok());
        assert!(Suppression::new(Tool::CfnLint, "W", why).is_err());
        assert!(Suppression::new(Tool::Checkov, "CKV_AWS_116", "n/a").is_err());
    }

    #[test]
    fn each_tool_gets_its_own_metadata_format() {
        let why = "the function is only invoked synchronously";
        let mut m = Map::new();
        write_suppressions(
            &[
                Suppression::new(Tool::Checkov, "CKV_AWS_117", why).expect("valid"),
                Suppression::new(Tool::CfnGuard, "lambda_inside_vpc_check", why).expect("valid"),
                Suppression::new(Tool::CfnLint, "W3005", why).expect("valid"),
            ],
            &mut m,
        );
        assert_eq!(
            Value::Object(m),
            json!({
                "checkov": { "skip": [{ "id": "CKV_AWS_117", "comment": why }] },
                "cfn-lint": { "config": { "ignore_checks": ["W3005"] } },
                "guard": { "SuppressedRules": ["lambda_inside_vpc_check"] },
                "infra-gen": { "SuppressionReasons": {
                    "cfn-guard lambda_inside_vpc_check": why,
                    "cfn-lint W3005": why,
                } },
            })
        );
    }

    proptest::proptest! {
        /// Four different ordinary words make a reason, however often repeated; fewer do not,
        /// and neither do words that only name the rule or the excusing, single letters, or a
        /// placeholder in any spelling among them.
        #[test]
        fn a_reason_is_four_different_words_and_no_placeholder(
            words in proptest::sample::subsequence(&[
                "debug", "logs", "must", "go", "after", "month", "images", "are", "rewritten",
                "by", "the", "release", "job", "legal", "hold", "keeps", "copies", "in", "glacier",
                "nightly", "audit", "team", "asked", "shorter", "datenschutz", "verlangt", "na",
                "conta", "löschung",
            ][..], 1..8),
            filler in proptest::collection::vec(proptest::sample::select(&[
                "exception", "Suppressed", "log-retention", "LogRetention", "retention", "log",
                "a", "x", "-", "🚧", "Waiver:",
            ][..]), 0..4),
            placeholder in proptest::option::of(proptest::sample::select(&[
                "TODO", "tbd", "T.B.D.", "FIXME:", "xxx", "WIP", "n/a", "N.A.", "Lorem", "foo",
                "qux", "reason here",
            ][..])),
            repeat in 1..4usize,
            at in 0..8usize,
        ) {
            let mut text: Vec<String> =
                words.iter().flat_map(|w| vec![(*w).to_owned(); repeat]).collect();
            for (k, f) in filler.iter().enumerate() {
                text.insert((at + k).min(text.len()), (*f).to_owned());
            }
            if let Some(p) = placeholder {
                text.insert(at.min(text.len()), p.to_owned());
            }
            let reason = text.join(" ");
            // The vocabulary's function words (English `the`, Portuguese `na`): its prose.
            let function = ["must", "after", "by", "the", "in", "na", "are", "a"];
            let prose = text.iter().any(|w| function.contains(&w.as_str()));
            // Who asked or demands it (`the audit team asked`, `by legal`, `verlangt`) is no
            // why: a word of something else must be.
            let says_why = words.iter().any(|w| !function.contains(w) && !["audit", "team", "asked", "legal", "verlangt"].contains(w));
            let ok = words.len() >= 4 && placeholder.is_none() && prose && says_why;
            proptest::prop_assert_eq!(
                PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_ok(), ok, "{}", reason);
            // An acknowledgement names no rule: the rule's words count there
            // (`log-retention` and `LogRetention` are one word, `logretention`).
            let mut rule_words: Vec<&str> = filler
                .iter()
                .filter_map(|f| match *f {
                    "log-retention" | "LogRetention" => Some("logretention"),
                    "retention" | "log" => Some(*f),
                    _ => None,
                })
                .collect();
            rule_words.sort_unstable();
            rule_words.dedup();
            // A capitalised word inside a sentence is a name (`LogRetention` but where a
            // sentence starts: first, or after `Waiver:`).
            let rule_says = filler.iter().any(|f| ["log-retention", "retention", "log"].contains(f))
                || text.iter().enumerate().any(|(i, w)| {
                    w == "LogRetention" && (i == 0 || text[i - 1].ends_with(':'))
                });
            let ack_ok = placeholder.is_none()
                && words.len() + rule_words.len() >= 4
                && prose
                && (says_why || rule_says);
            proptest::prop_assert_eq!(ReplacementAck::new(reason.clone()).is_ok(), ack_ok, "{}", reason);
        }
    }

    proptest::proptest! {
        /// A reason that only says who approved it or where that is recorded (a ticket, a
        /// call, a sign-off by a team or a person) is an authorization, not a why; the same
        /// words beside one that says why make a reason.
        #[test]
        fn who_approved_it_or_where_is_no_reason(
            approval in proptest::sample::select(&[
                "Approved by", "approved by", "Signed off by", "Agreed with", "Accepted by",
                "OK'd by", "LGTM from", "Requested by", "Authorised by",
            ][..]),
            who in proptest::sample::select(&[
                "the platform team lead", "security", "Jane Doe", "the CISO", "our architecture board",
                "the product owner", "compliance and legal", "SRE", "Priya", "the data platform team",
                "the payments squad's tech lead",
            ][..]),
            place in proptest::option::of(proptest::sample::select(&[
                "in OPS-4411", "on the call", "see SEC-221", "per the Slack thread", "in the review meeting",
                "on 2026-03-04", "in JIRA PLAT-88", "(ticket #1234)",
                "- details at https://wiki.example.com/adr/0042", "on the Monday call",
            ][..])),
            why in proptest::sample::select(&[
                "staging processes only synthetic uploads",
                "the logs are exported nightly to the archive bucket",
                "images are rebuilt from source for every rollback",
                "das Konto hält nur Testdaten",
            ][..]),
            why_first in proptest::bool::ANY,
        ) {
            let authority = format!("{approval} {who}{}.", place.map(|p| format!(" {p}")).unwrap_or_default());
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, authority.clone()).is_err(), "{}", authority);
            proptest::prop_assert!(ReplacementAck::new(authority.clone()).is_err(), "{}", authority);
            let reason = if why_first { format!("{why}; {authority}") } else { format!("{authority} Because {why}.") };
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_ok(), "{}", reason);
        }
    }

    proptest::proptest! {
        /// Saying who decided it and when (`the platform team decided this in the guild last
        /// year`), where its rationale is (`see <link> for the full rationale`), what it
        /// conforms to (`consistent with what every other team does`) or the rule's own name
        /// (`log retention exception for the log retention policy rule`) says no why, in any
        /// arrangement of the tables' words; the same followed by a why is a reason.
        #[test]
        fn who_decided_where_the_rationale_is_or_what_it_conforms_to_is_no_reason(
            form in 0..4usize,
            who in proptest::sample::select(&["The platform team", "Our architecture guild", "The security council", "Management", "The SRE forum"][..]),
            verb in proptest::sample::select(&["decided", "agreed", "approved", "requested"][..]),
            when in proptest::sample::select(&["last year", "two years ago", "in the quarterly review", "on the Monday call", "a year ago"][..]),
            modifier in proptest::sample::select(&["full", "complete", "detailed", "longer", "original"][..]),
            pointer in proptest::sample::select(&["rationale", "details", "background", "justification"][..]),
            others in proptest::sample::select(&["what every other team already does", "the other services in this account", "how the rest of the organisation runs dev"][..]),
            why in proptest::sample::select(&[
                "staging processes only synthetic uploads",
                "the logs are exported nightly to the archive bucket",
                "images are rebuilt from source for every rollback",
            ][..]),
        ) {
            let bare = match form {
                0 => format!("{who} {verb} this {when}."),
                1 => format!("See https://wiki.example.com/adr/0042 for the {modifier} {pointer}."),
                2 => format!("Consistent with {others} for dev."),
                _ => "Log retention exception for the log retention policy rule.".to_owned(),
            };
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, bare.clone()).is_err(), "{}", bare);
            let reason = format!("{bare} The reason: {why}.");
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_ok(), "{}", reason);
        }
    }

    #[test]
    fn words_that_name_approvers_elsewhere_still_say_why_in_a_reason() {
        for why in [
            "By keeping thirty days we meet the data minimisation principle of the GDPR.",
            "Legal hold: audit logs are exported to the compliance archive nightly and kept there for ten years.",
            "The security team's SIEM ingests these logs and keeps them for two years.",
            "Jane's team exports these logs to Splunk, which keeps them for two years.",
            "Approved by security, since staging holds synthetic uploads only.",
            "Requested by the auditors: they read the logs from the archive account for seven years.",
            "Staging enthält nur synthetische Testdaten, daher genügen dreißig Tage für die Fehlersuche.",
            "Le compte de test ne contient que des images de démonstration publiques.",
            "Freigegeben durch das Sicherheitsteam, weil Staging nur Testdaten enthält.",
        ] {
            assert!(
                PolicyException::new(PolicyRule::LogRetention, why).is_ok(),
                "{why}"
            );
        }
        for who in [
            "See the decision record at https://wiki.example.com/adr/0042 for the details.",
            "Approved by the data platform team on the Monday call.",
            "Per the CISO's decision in SEC-221.",
            "As discussed with Jane and the SRE team in PLAT-7781.",
            "Freigegeben durch das Sicherheitsteam im Ticket SEC-9.",
            "Approuvé par l'équipe sécurité, voir SEC-12.",
            "Aprobado por el equipo de seguridad en SEC-3.",
            "OK for now per Slack, ask Priya.",
        ] {
            assert!(
                PolicyException::new(PolicyRule::LogRetention, who).is_err(),
                "{who}"
            );
        }
    }

    proptest::proptest! {
        /// A reason that puts itself off (`reason to be added later`) is none, wherever it
        /// stands in a sentence that is otherwise one; the same words far apart are a sentence
        /// that says why (`the reason is that the nightly job copies them to glacier later`).
        #[test]
        fn a_reason_that_puts_itself_off_is_none(
            itself in proptest::sample::select(&["reason", "Justification", "rationale", "explanation", "details"][..]),
            between in proptest::sample::subsequence(&["to", "be", "added", "will", "written", "is", "coming"][..], 0..4),
            off in proptest::sample::select(&["later", "soon", "follow", "pending", "forthcoming", "eventually", "follow-up"][..]),
            before in proptest::bool::ANY,
        ) {
            let sentence = "logs must stay for the audit team";
            let put_off = format!("{itself} {} {off}", between.join(" "));
            let reason = if before { format!("{put_off}; {sentence}") } else { format!("{sentence}; {put_off}") };
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_err(), "{}", reason);
            let apart = format!("the {itself} is that the nightly job copies them to glacier {off}");
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, apart.clone()).is_ok(), "{}", apart);
        }
    }

    proptest::proptest! {
        /// A reason whose own writing is still to come (`justification to be written up by the
        /// team later`) is none, however far the clause runs; after `that` or `because` the
        /// same words say why.
        #[test]
        fn a_reason_whose_writing_is_to_come_is_none(
            itself in proptest::sample::select(&["reason", "Justification", "rationale", "explanation"][..]),
            future in proptest::sample::select(&["to be", "will be", "is yet to be", "is being", "shall be", "not yet"][..]),
            verb in proptest::sample::select(&["written up", "added", "provided", "documented", "filled in", "clarified", "drafted", "finalised"][..]),
            tail in proptest::sample::subsequence(&["by", "the", "platform", "team", "in", "the", "next", "sprint"][..], 0..6),
            before in proptest::bool::ANY,
        ) {
            let sentence = "logs must stay for the audit team";
            let put_off = format!("{itself} {future} {verb} {}", tail.join(" "));
            let reason = if before { format!("{put_off}; {sentence}") } else { format!("{sentence}; {put_off}") };
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_err(), "{}", reason);
            let apart = format!("the {itself} is that exports are {verb} {} nightly", tail.join(" "));
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, apart.clone()).is_ok(), "{}", apart);
        }
    }

    proptest::proptest! {
        /// Four or more different "words" without a function word of any language (keyboard
        /// rows, letter pairs, consonant runs) are no reason; one function word among them
        /// reads as prose.
        #[test]
        fn keyboard_mash_is_no_reason(
            mash in proptest::collection::btree_set("[b-df-hj-np-tv-xz]{2,6}|[a-z]{2}", 4..8),
            function in proptest::option::of(proptest::sample::select(&[
                "the", "for", "in", "die", "les", "para", "het", "di",
            ][..])),
        ) {
            let mut words: Vec<String> = mash.into_iter().collect();
            // A generated run may itself be a function word (`do`, `na`, `zu`).
            let already = words
                .iter()
                .any(|w| crate::model::lambda::reason::function_word(w));
            if let Some(f) = function {
                words.push(f.to_owned());
            }
            let reason = words.join(" ");
            let ok = (function.is_some() || already)
                && !words.iter().any(|w| PLACEHOLDERS.contains(&w.as_str()));
            proptest::prop_assert_eq!(
                PolicyException::new(PolicyRule::ImagesKept, reason.clone()).is_ok(), ok, "{}", reason);
        }
    }

    #[test]
    fn reasons_in_every_language_read_pass() {
        for why in [
            "debug traces hold personal data and must go after a month",
            "PII in load-test logs: deleted after 30 days per GDPR",
            "Datenschutz verlangt die Löschung von Testprotokollen",
            "les journaux de test contiennent des données personnelles",
            "los registros de prueba contienen datos personales",
            "i log di prova contengono dati personali",
            "os registos de teste contêm dados pessoais",
            "de testlogs bevatten persoonsgegevens van klanten",
        ] {
            assert!(
                PolicyException::new(PolicyRule::LogRetention, why).is_ok(),
                "{why}"
            );
        }
    }

    proptest::proptest! {
        /// A sign-off line (who, with an initial, on a date, in a recurring meeting or on a day
        /// of any language read), a verdict, a hedge or a plan put off (`should be fine`,
        /// `accepted risk`, `won't fix: low priority`, `temporary, revisit after the
        /// migration`, `the same as the other services`) says no why; beside a clause that
        /// does, it may stand.
        #[test]
        fn a_verdict_or_a_sign_off_without_a_why_is_none(
            line in proptest::sample::select(&[
                "Signed-off: security (J. Smith), 2026-02-01, in the quarterly review.",
                "Approved at the annual architecture board meeting, 2025-11-20, by the CISO's office.",
                "OK'd in the weekly platform sync on Tuesday by Maria and Tom.",
                "Reviewed and agreed during the monthly risk committee, minutes in Confluence.",
                "Voir le ticket SEC-88, validé avec l'équipe le 3 mars.",
                "Per CAB-2291, approved 2026-01-12 by K. Osei.",
                "Should be fine for now in this account.",
                "Not needed here, trust me on this one.",
                "Fix planned for Q3; suppressing until then.",
                "Temporary, we will revisit this after the migration.",
                "This is an accepted risk for the business.",
                "False positive, see the thread in the channel.",
                "Legacy configuration, the same as the other services have.",
                "Won't fix: low priority for this quarter.",
                "Intentional, by design, and probably fine here.",
                "Business requirement from the product team.",
                "Reviewed by the security champions, no objections raised.",
                "Does not apply here, trust me.",
                "Legacy; do not touch this one.",
                "This is how the other stacks do it too.",
                "Discussed at length, consensus reached.",
                "Standard practice at our company.",
                "Per our internal policy.",
                "Not a real issue in our setup.",
                "Fine for now, nobody complained.",
                "Vetted and audited by the platform team last year.",
            ][..]),
            why in proptest::sample::select(&[
                "staging processes only synthetic uploads",
                "the function is invoked synchronously, so a queue would never receive anything",
                "the logs are exported nightly to the archive bucket",
                "das Konto hält nur Testdaten",
            ][..]),
        ) {
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, line).is_err(), "{}", line);
            proptest::prop_assert!(ReplacementAck::new(line).is_err(), "{}", line);
            proptest::prop_assert!(Suppression::new(Tool::Checkov, "CKV_AWS_116", line).is_err(), "{}", line);
            let reason = format!("{line} Because {why}.");
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_ok(), "{}", reason);
        }
    }

    #[test]
    fn a_plan_a_known_issue_or_a_pointer_in_another_language_is_no_why() {
        for line in [
            "Done as agreed with the owners.",
            "Known issue, tracked in OPS-12.",
            "Compliance said it's OK for this service.",
            "Will be fixed in the next sprint.",
            "Exception requested by the customer, see the email from 12 March.",
            "Same setup as last year, nothing changed.",
            "Needed for the launch next week.",
            "Nicht relevant für uns, siehe Wiki.",
        ] {
            assert!(
                PolicyException::new(PolicyRule::LogRetention, line).is_err(),
                "{line}"
            );
        }
    }

    #[test]
    fn whys_worded_with_dates_plans_and_verdict_words_pass() {
        for why in [
            "Temporary preview environments are destroyed with each pull request, so nothing in them needs a long retention.",
            "Temporary: after 30 days the logs are in Glacier anyway, copied by the nightly export.",
            "Until the 2026 audit the rule asked for 90 days; now staging keeps 30 days because its logs are exported to the SIEM nightly.",
            "The quarterly report job reads only the summary table, so raw logs older than a week are never read.",
            "Not needed in this account: it has no NAT gateway and no internet egress.",
            "Same as the orders service: both are invoked synchronously by their URLs.",
            "Backend of our to-do list app: it is invoked synchronously, so a queue would never receive anything.",
            "Signed off by security in the quarterly review because the bucket holds only public thumbnails.",
        ] {
            assert!(
                PolicyException::new(PolicyRule::LogRetention, why).is_ok(),
                "{why}"
            );
        }
        assert!(placeholder("TODO: add the reason"));
        assert!(placeholder("to-do: write this"));
        assert!(!placeholder("the to-do list app is invoked synchronously"));
    }

    proptest::proptest! {
        /// Who wants it — a demand or advice in any form by a role —, what it only cites (a
        /// contract, a reference design, a golden path), a verdict of scope or a record of no
        /// harm so far gives no why, for a suppression, an exception, an acknowledgement or a
        /// crossing; the same line with a why after it gives one.
        #[test]
        fn a_demand_a_citation_or_no_harm_so_far_is_no_why(
            demand in proptest::sample::select(&[
                "Required", "Requested", "Recommended", "Mandated", "Demanded", "Suggested",
                "Prescribed", "Exigido", "Gewünscht", "Demandé", "Richiesto", "Gevraagd",
            ][..]),
            agent in proptest::sample::select(&[
                "the vendor", "our customer", "the partner", "the supplier", "our consultant",
                "AWS support", "the product manager", "the client",
            ][..]),
            purpose in proptest::sample::select(&[
                "", " for the integration", " for this workload", " for this service",
            ][..]),
            cited in proptest::sample::select(&[
                "The customer contract requires it.",
                "Because the vendor recommends it.",
                "Because the product manager asked for it.",
                "Matches the reference architecture.",
                "Part of the golden path.",
                "Our threat model covers this.",
                "Works as intended.",
                "Expected behaviour for this workload.",
                "A known limitation of the platform.",
                "Out of scope for this service.",
                "Inherited from the template we forked.",
                "The pen test found nothing.",
                "The auditors did not flag it last year.",
                "Like this for two years without any incident.",
                "Probably not relevant for this service.",
                "Per the vendor's documentation.",
                "The platform default, unchanged.",
                "In line with the company baseline.",
                "Following the AWS best practices.",
                "The service team prefers it this way.",
                "Nothing bad has happened so far.",
                "Part of the landing zone.",
                "À la demande du partenaire.",
                "Common practice in serverless.",
                "The linter is wrong here.",
                "Checkov does not understand our setup.",
            ][..]),
            why in proptest::sample::select(&[
                "the function is invoked only synchronously, so a dead-letter queue would never receive an event",
                "the logs hold only health-check pings that nobody reads",
                "the table is a cache rebuilt from S3 on every deploy",
            ][..]),
            first in proptest::bool::ANY,
        ) {
            let signed = format!("{demand} by {agent}{purpose}.");
            let line = if first { signed } else { cited.to_owned() };
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, line.clone()).is_err(), "{}", line);
            proptest::prop_assert!(ReplacementAck::new(line.clone()).is_err(), "{}", line);
            proptest::prop_assert!(Suppression::new(Tool::Checkov, "CKV_AWS_116", line.clone()).is_err(), "{}", line);
            proptest::prop_assert!(!crate::model::iam::Crossing::is_reason(&line), "{}", line);
            let reason = format!("{} {why}.", line.trim_end_matches('.').to_owned() + ":");
            proptest::prop_assert!(PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_ok(), "{}", reason);
            proptest::prop_assert!(crate::model::iam::Crossing::is_reason(&reason), "{}", reason);
        }
    }

    #[test]
    fn replacement_needs_a_written_reason() {
        assert!(ReplacementAck::new("ok").is_err());
        assert!(ReplacementAck::new("the repository moves to a new naming scheme").is_ok());
    }
}
