//! Reasons generated from grammars: a basis (a mechanism or public data) with or without
//! deferral and negation clauses, legitimate filler clauses that use the same words
//! (`until`, `never`, `without`, `temporary`, `later in`), random case and punctuation.
//! Accepted iff there is a basis and no deferral, and no negation unless the basis is public
//! data.

use proptest::prelude::*;

use super::{Refusal, UNFINISHED, judge};

const MECHANISMS: &[&str] = &[
    "an API key",
    "a bearer token",
    "an HMAC-SHA256 signature of the body",
    "a JWT issued by Cognito",
    "an OAuth 2 access token",
    "an OIDC ID token from the company IdP",
    "a PASETO token",
    "a session cookie set at sign-in",
    "temporary session tokens from a Cognito identity pool",
    "a request signature with a shared secret",
    "a password checked against a salted hash",
    "an x-api-key header",
    "the Slack signing secret",
];

const MECHANISM_FRAMES: &[&str] = &[
    "callers send {m} checked by the function against Secrets Manager",
    "every request must carry {m}, which the handler verifies",
    "the function checks {m} on every request",
    "clients present {m} and the handler compares it in constant time",
    "requests without {m} are rejected with 401",
    "no request reaches the model without {m}",
    "a caller without {m} cannot reach anything",
    "the app authenticates callers with {m}",
];

const PUBLIC_FRAMES: &[&str] = &[
    "the response is public data (the health page)",
    "it serves only public information such as the status page",
    "the status page is public and holds no secrets",
    "the endpoint returns public content: the model catalogue",
    "the health page is public data, so no key is needed",
    "the response is public data and callers need no credentials",
    "it serves the public price list we also print in the brochure",
    "a public RSS feed, the same as the website serves anonymously",
    "the endpoint returns the public JSON schema of our events",
    "it serves the public exchange rates we publish daily",
    "the endpoint returns only the public payout-rail availability calendar, no customer data",
    "it lists the public bank holiday calendar of each payout country",
];

/// Clauses a valid reason may add: the trigger words in legitimate senses.
const FILLERS: &[&str] = &[
    "keys rotate until revoked",
    "tokens are valid until they expire",
    "the key is never logged",
    "the check runs before the request reaches Bedrock",
    "later in the request the model is called through the role",
    "rotation takes effect without a redeploy",
    "see function/README.md for the key format",
    "nothing else is exposed",
    "there is no way to disable the check",
    "the check cannot be turned off by configuration",
    "keys rotate and old ones are switched off after a week",
    "each key comes with an optional model limit",
    "see ticket SEC-12 for the threat model",
    "anyone with the URL still needs a valid key",
    "any valid key is accepted",
    "the logs hold the key's name, never the key",
    "keys rotate on a scheduled basis",
    "we intend to keep it that way",
    "the key is looked up once per request",
    "keys become invalid when revoked",
    "the sender redelivers missed events later",
    "keys come from the production secret, as of today",
    "ongoing key audits flag stale keys",
    "the check runs after the body is parsed and the request is routed",
    "there is no TODO here",
    "nothing here is temporary",
    "the check was briefly disabled in 2023 and has been enforced ever since",
    "CloudFront in front only caches responses",
    "temporary STS credentials are not accepted",
    "its hash is kept in DynamoDB",
    "the demo page is not served from here",
    "the HMAC key secret lives in Secrets Manager",
    "keys are issued at release time by the platform team",
    "each partner key is issued after a security review",
    "when a new release is published GitHub calls us with a signed payload",
    "when the release pipeline deploys, keys stay valid",
    "the admin password is rotated monthly",
    "the prototype app lives elsewhere",
    "they rotate every 90 days",
    "keys are issued at onboarding",
    "one in ten callers uses the Python SDK",
    "the function no longer accepts keys in the query string",
];

/// Who checks instead of the function: a component a public URL does not pass through, or
/// the caller's own side. `{m}` is the mechanism.
const ELSEWHERE_FRAMES: &[&str] = &[
    "the CloudFront distribution in front of the URL checks {m}",
    "{m} is validated by the WAF in front",
    "the API gateway in front of the function verifies {m}",
    "an nginx proxy enforces {m} before traffic reaches us",
    "the client SDK validates {m} before it sends the request",
    "{m} is checked by the browser",
    "Cloudflare authenticates callers with {m}",
    "a Lambda authorizer validates {m} before the function runs",
    "callers are authenticated at the CDN with {m}",
    "IAM checks {m} on every request",
    "the reverse proxy terminates {m} and forwards only verified callers",
    "{m} is verified by a Lambda@Edge function in front of the URL",
    "a CloudFront function checks {m}",
    "Kong validates {m} and forwards the request to the URL",
    "Apigee sits in front of the function and verifies {m}",
    "{m} is validated by Traefik, which forwards requests to the function",
];

/// A check that was and is no more.
const NO_LONGER_FRAMES: &[&str] = &[
    "{m} used to be verified before the rewrite",
    "the check of {m} has been removed",
    "validation of {m} is deprecated and no longer runs",
    "we used to check {m}",
];

/// The function's own check, beside which a check elsewhere is an extra.
const ITSELF_FRAMES: &[&str] = &[
    "the function verifies {m} on every request",
    "{m} is checked by the handler",
    "the handler validates {m} again",
];

/// A check in some environments or at some times only: the reason is the same in all of them.
const ENVIRONMENT_SCOPES: &[&str] = &[
    "in staging only",
    "only in production",
    "in dev only",
    "except in test",
    "only in prod",
    "but only on weekdays",
    ", only during business hours",
    "on weekends only",
    "on weekdays during business hours",
    "during office hours",
    "for a random 10% sample of requests",
    "on a sampled fraction of calls",
];

/// A check scoped to one class of requests (`{c}`), and another class served as it comes.
const CLASS_CHECKS: &[&str] = &[
    "{m} is verified for {c} requests",
    "the function checks {m} on {c}",
    "{m} is required from {c} callers",
];
const CLASS_OPEN: &[&str] = &[
    "{c} requests are served as they come",
    "{c} callers need none",
    "{c} are open to everyone",
    "{c} requests go through unchecked",
    "{c} routes serve anyone",
];
/// The same classes, refused or answering only what carries no data: still a reason.
const CLASS_CLOSED: &[&str] = &[
    "{c} requests without it are rejected",
    "{c} callers get 401 without one",
    "OPTIONS preflight requests are answered with the CORS headers",
];
const CLASSES: &[&str] = &[
    "POST", "GET", "writes", "reads", "partner", "internal", "DELETE",
];

/// A component or version that is gone, beside today's check: history, not a negation.
const HISTORY_FRAMES: &[&str] = &[
    "an old gateway that used to check keys was removed",
    "the previous version, which had no check, was replaced in 2023",
    "a legacy proxy that skipped authentication was decommissioned",
    "the old endpoint, which anyone could call, was shut down last year",
    "OPTIONS preflight requests are answered without a token",
    "health checks from the load balancer are answered without a key",
];

/// A check made when the caller chooses, of a share of requests, or whose failures are only
/// recorded or still served: refused on its own.
const OPTIONAL_FRAMES: &[&str] = &[
    "the function verifies {m} whenever the header is present",
    "{m} is validated if the Authorization header is sent",
    "{m} is verified for most requests",
    "{m} is compared; mismatches are logged",
    "requests with an invalid signature receive a warning header but are processed",
    "{m} is verified with a secret committed to the public repository",
    "the function checks {m}; the shared key is posted on the team wiki",
    "we verify {m} only when the sender includes it",
    "the handler validates {m} only if the caller sends one",
    "the function checks the {m} header only when it is present",
];

/// Sentences beside today's check that name a credential without weakening it.
const BESIDE_FRAMES: &[&str] = &[
    "the JWKS used to verify tokens is published on our docs page",
    "our public keys are published in the documentation",
    "tokens are verified once per request, before the response is sent",
];

/// Deferral to a version in the other languages read, and in English.
const VERSION_DEFERRALS: &[&str] = &[
    "das Token wird erst ab Version 2 geprüft",
    "de sleutel wordt pas vanaf v3 gecontroleerd",
    "la clé API sera vérifiée à partir de la version 2",
    "la clave API se verificará a partir de la versión 2",
    "la chiave API sarà verificata a partire dalla versione 2",
    "a chave API será verificada a partir da versão 2",
    "keys are required from version 3 on",
];

const ADD: &[&str] = &["add", "enable", "wire up", "implement", "turn on", "set up"];
const AUTH: &[&str] = &[
    "auth",
    "authentication",
    "a proper key check",
    "token validation",
    "Cognito",
    "real security",
];
const EVENTS: &[&str] = &[
    "launch",
    "the demo",
    "go-live",
    "GA",
    "the beta",
    "release",
    "the pilot",
];
/// Putting protection in place, in the passive: `will be switched on`.
const ADDED: &[&str] = &[
    "added",
    "enabled",
    "switched on",
    "turned on",
    "wired up",
    "locked down",
    "set up",
    "implemented",
];
const TIMES: &[&str] = &["later", "next sprint", "soon", "after launch", "eventually"];

/// Deferral clauses, from parts: markers, `until`, futures of adding, ending purposes.
fn deferral() -> impl Strategy<Value = String> {
    let add = prop::sample::select(ADD);
    let auth = prop::sample::select(AUTH);
    let event = prop::sample::select(EVENTS);
    let time = prop::sample::select(TIMES);
    (
        0..18usize,
        add,
        auth,
        event,
        time,
        prop::sample::select(&["TODO", "FIXME", "TBD", "WIP"][..]),
    )
        .prop_map(|(k, add, auth, event, time, marker)| match k {
            0 => format!("{marker}: {add} {auth}"),
            1 => "for now".into(),
            2 => "temporarily".into(),
            3 => "for the time being".into(),
            4 => [
                format!("public until {event}"),
                format!("until {auth} lands"),
            ][add.len() % 2]
                .clone(),
            5 => format!("until we {add} {auth}"),
            6 => format!("we will {add} {auth} {time}"),
            7 => format!("we're going to {add} {auth}"),
            8 => format!("{auth} comes {time}"),
            9 => [
                "for the demo",
                "for a proof of concept",
                "for the hackathon",
                "while we test",
                "for debugging",
            ][add.len() % 5]
                .into(),
            10 => "during testing".into(),
            11 => format!("{auth} is not in place yet"),
            12 => format!("{auth} to be added before {event}"),
            13 => [
                format!("see ticket ABC-123 to {add} {auth}"),
                format!("{auth} is on the roadmap"),
                format!("{auth} is a follow-up"),
                format!("{auth} will be enforced {time}"),
                format!("open for the MVP, {auth} follows"),
                format!("{auth} is on the wishlist"),
                "a known gap, accepted risk until Q4".to_owned(),
                format!("{auth} to land after the pentest"),
                "vorübergehend offen".to_owned(),
                "pour l'instant sans contrôle".to_owned(),
                "por ahora abierto".to_owned(),
                format!("{auth} was postponed"),
                format!("{auth} is a stretch goal"),
                format!("we are waiting on security to approve {auth}"),
            ][(add.len() + auth.len() + event.len()) % 14]
                .clone(),
            // A requirement, a launch or a plan that has not happened, in any of the
            // languages read.
            14 => [
                format!("{auth} becomes mandatory with the v2 rollout"),
                format!("we plan to verify {auth} on each request"),
                format!("{auth} goes live with the partner portal"),
                format!("the {auth} check ships after the partner portal is ready"),
                format!("{auth} is blocked on the secrets migration"),
                format!("{auth} is scheduled for the hardening sprint"),
                format!("we intend to require {auth}"),
                "la verifica del token è ancora da implementare".to_owned(),
                "a autenticação com token será adicionada depois".to_owned(),
                "API-Schlüssel geplant für das dritte Quartal".to_owned(),
                "la clave de API será añadida más adelante".to_owned(),
                "de API-sleutel is gepland".to_owned(),
                format!("{auth} is implemented on a branch that has not been merged"),
                "la autenticación con JWT llegará en el próximo sprint".to_owned(),
                format!("{auth} will be checked once we deploy the new version"),
                format!("{auth} is unreleased"),
                format!("{auth}: not started"),
                format!("{auth} will come with the auth service"),
                format!("{auth} is in progress on another branch"),
                format!("we will get round to {auth} down the line"),
                format!("{auth} at some point"),
                format!("{auth} checks resume after the incident review"),
                "Token-Prüfung vorläufig offen".to_owned(),
                "vérification du jeton JWT: à faire".to_owned(),
                "verificación del token JWT: por hacer".to_owned(),
                format!("{auth} is mandatory from v2 on"),
                format!("{auth} is required starting Q3"),
            ][(add.len() * 7 + auth.len() + event.len()) % 27]
                .clone(),
            // A state that waits for an event past its determiner and modifiers, or a plan.
            15 => [
                format!("{auth} is switched on after the security review"),
                format!("{auth} gets turned on at general availability"),
                format!("{auth} is enforced when the partner portal launches"),
                format!("{auth} is required, at least that is the plan"),
                "the plan is to require an API key".to_owned(),
                format!("{auth} starts upon release of the new SDK"),
                format!("{auth} begins after the partner {event}"),
                "a key of all zeros is treated as valid for load testing".to_owned(),
                "the check is relaxed during the load test".to_owned(),
            ][(add.len() + auth.len() + event.len()) % 9]
                .clone(),
            // The check arriving with, or tracked in, a ticket: work not done.
            16 => {
                let ticket = ["PAY-412", "SEC-9", "JIRA-1033", "OPS-77"][event.len() % 4];
                [
                    format!("verifying it lands with {ticket}"),
                    format!("validating the {auth} ships in {ticket}"),
                    format!("checking {auth} arrives with {ticket}"),
                    format!("{auth} verification is tracked in {ticket}"),
                    format!("enforcing {auth} is tracked under {ticket}"),
                ][(add.len() + auth.len()) % 5]
                    .clone()
            }
            // The passive future, with the verb as it is inflected there.
            _ => format!(
                "{auth} will be {} after {event}",
                ADDED[(add.len() + event.len()) % ADDED.len()]
            ),
        })
}

/// Clauses that say callers are not authenticated.
fn negation() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "there is no auth",
            "no key needed",
            "it works without authentication",
            "auth disabled",
            "authentication is turned off",
            "the key check is skipped",
            "callers are not authenticated",
            "requests are unauthenticated",
            "it does not check any key",
            "no token is required",
            "the function doesn't validate the token",
            "the token is optional",
            "anyone can call it without a key",
            "signature verification is off",
            "the URL is wide open",
            "it never verifies the signature",
            "callers need no credentials",
            "the API key isn't required",
            "we haven't wired up the key check",
            "token validation is stubbed out",
            "the function does not enable signature checks",
            "the key check is behind a feature flag that is currently off",
            "callers send a token which we log but do not verify",
            "auth is handled nowhere",
            "API key: N/A",
            "Auth: none",
            "the HMAC check is a no-op",
            "anyone with the URL can call it",
            "HMAC failures are logged but not rejected",
            "token validation fails open",
            "requests with a bad signature are processed anyway",
            "the key is checked only when the header is present",
            "keys exist but enforcement is off",
            "the secret is empty so every signature matches",
            "any API key works",
            "the key check is best effort",
            "we decided against checking the token",
            "the handler ignores the Authorization header",
            "the signature header is ignored",
            "the API key is not looked at",
            "signature checks are out of scope",
            "the key is hard-coded in every client",
            "the key, which callers send and which we log, is never compared against anything",
            "the token is verified unless the debug header is set",
            "signatures are verified except when the caller is internal",
            "signatures are verified only for partners who opted in",
            "the key check returns success when the key store is unreachable",
            "token validation passes if the identity provider times out",
            "token verification is feature-flagged and the flag defaults to false",
            "the key check is behind a setting whose default is off",
            "we check that the key header exists, not what it contains",
            "the key is compared with a prefix match",
            "tokens are accepted on a case-insensitive match",
            "the token is verified after the response has been streamed",
            "the API key printed in our public documentation is checked",
            "the JWT is verified for tokens with a kid header; tokens without one pass",
            "JWT verification happens once the response has been sent",
            "the token is checked, except for requests from the office network",
            "the function verifies the key except during the Sunday maintenance window",
            "signatures are verified on one in ten requests",
            "we validate every 10th token",
            "the key is checked on 5% of requests",
            "if the identity provider is down, requests are allowed",
            "when the key store times out, the call proceeds",
            "errors during the key comparison count as a match",
            "a token lookup timeout is treated as valid",
            "any key that starts with sk is accepted",
            "any non-empty Authorization header is accepted",
            "tokens with alg none are accepted too",
            "its value is not compared with anything",
            "on a cache miss the request goes through unchecked",
            "requests with an expired key are still served for a week",
            "a missing key is treated as the default tenant",
            "keys are checked for two requests in three",
            "if the JWKS endpoint times out, the token is taken as valid",
            "its signature is trusted as it comes",
            "the token is accepted at face value",
            "keys are checked in a background job a few minutes after the request is served",
            "validation errors are swallowed",
            "unverifiable tokens are let in with a warning",
            "signatures are verified with the key fetched from the URL in the token's jku header",
            "requests from partners must carry the key; others are rate-limited instead",
            "it is verified, but only for POST; GET streams the same data to anyone",
            "a revoked token keeps working until the cache expires",
            "the expiry of the JWT is validated but not its signature",
            "the function returns 401 only in strict mode, which is off",
            "keys are checked only when VERIFY_KEYS is set, and it currently is disabled",
            "callers stay unverified",
            "basic auth with the username admin and the password admin",
            "the shared key is changeme in every client",
            "the PIN of 1234 opens it",
            "it is never checked against a stored key",
        ][..],
    )
    .prop_map(str::to_owned)
}

/// A mechanism negated in the other languages read, `{m}` their word for it.
const FOREIGN_NEGATIONS: &[&str] = &[
    "Die Funktion prüft {m} nicht",
    "Aufrufe ohne {m} werden angenommen",
    "{m} wird geprüft, aber nur wenn der Header gesetzt ist",
    "la fonction ne vérifie pas {m}",
    "{m} est facultatif",
    "la función no verifica {m}",
    "{m} es opcional",
    "la funzione non verifica {m}",
    "a função não verifica {m}",
    "de functie controleert {m} niet",
    "verzoeken zonder {m} worden geaccepteerd",
    "die Prüfung von {m} ist deaktiviert",
    "{m} : aucun contrôle",
    "keine Prüfung von {m}",
    "sin verificación de {m}",
    "la vérification de {m} est désactivée",
];

/// The same mechanisms enforced: a negation that describes who is refused.
const FOREIGN_ENFORCING: &[&str] = &[
    "Die Funktion prüft {m}; ohne {m} gibt es 401",
    "la fonction vérifie {m} et refuse toute requête sans {m}",
    "la función verifica {m} y rechaza las solicitudes sin {m}",
    "la funzione verifica {m} e rifiuta le richieste senza {m}",
    "de functie controleert {m} en weigert verzoeken zonder {m}",
    "kein Aufruf ohne {m}: die Funktion lehnt ihn ab",
];

const FOREIGN_MECHANISMS: &[&str] = &[
    "den API-Schlüssel",
    "le jeton JWT",
    "la clé API",
    "el token JWT",
    "la chiave API",
    "het token",
    "a assinatura HMAC",
];

/// Random case per word, one of several joiners, optional final punctuation.
/// `first`, then `extra`, dressed as one reason.
fn dress_first(first: String, extra: Vec<String>, seed: u64) -> String {
    let mut parts = vec![first];
    parts.extend(extra);
    dress(parts, seed)
}

fn dress(parts: Vec<String>, seed: u64) -> String {
    let joiners = ["; ", ". ", ", ", " - ", " (", " — "];
    let mut out = String::new();
    let mut bits = seed;
    let mut open = false;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            let j = joiners[(bits % joiners.len() as u64) as usize];
            bits /= 7;
            if open {
                out.push(')');
            }
            out.push_str(j);
            open = j == " (";
        }
        for (k, word) in p.split(' ').enumerate() {
            if k > 0 {
                out.push(' ');
            }
            match bits % 3 {
                0 => out.push_str(&word.to_uppercase()),
                1 => out.push_str(word),
                _ => out.push_str(&word.to_lowercase()),
            }
            bits = bits.rotate_right(3) ^ 0x9e37_79b9;
        }
    }
    if open {
        out.push(')');
    }
    out.push_str([".", "", "!", "."][(seed % 4) as usize]);
    out
}

/// A mechanism asked of callers as a wish: nothing in the frame enforces it.
const WISH_FRAMES: &[&str] = &[
    "callers should send {m}",
    "clients are expected to include {m} in each request",
    "we ask partners to sign requests with {m}",
    "please pass {m} with every request",
    "callers are encouraged to use {m}",
    "it is recommended that callers send {m}",
    "consumers are supposed to provide {m}",
    "clients may include {m} in the headers",
    "partners were asked to present {m}",
    "callers ought to use {m}",
    "we trust callers to send {m}",
    "by convention every client sends {m}",
    "clients can include {m} in the headers",
    "{m} could be sent by callers",
    "Aufrufer sollten {m} mitschicken",
    "les clients devraient envoyer {m}",
];

/// Clauses that say nothing is enforced, nor anything against it.
const NEUTRAL: &[&str] = &[
    "keys rotate until revoked",
    "tokens are valid until they expire",
    "see function/README.md for the key format",
    "nothing else is exposed",
    "the logs hold the key's name, never the key",
];

/// A permission restricted to holders of the mechanism: a requirement, not a wish.
const RESTRICTING_FRAMES: &[&str] = &[
    "only callers with {m} can call it",
    "no caller can reach the model without {m}",
    "callers may not call it without {m}",
    "nobody could invoke it without {m}",
];

/// Clauses that say the function enforces what callers send.
const ENFORCING: &[&str] = &[
    "the function rejects requests without it",
    "the handler verifies it on every call",
    "it is checked in constant time",
    "requests without one get 401",
    "a missing or wrong one is refused",
    "the function requires it",
    "callers must send it, or the call is denied",
];

/// What a valid reason may leave for later once a mechanism is in place: an extra measure or
/// the keys' upkeep, never authentication itself.
const EXTRAS: &[&str] = &[
    "mTLS will be added later as a second factor",
    "automating key rotation comes later",
    "the key list moves to DynamoDB later",
    "an IP allowlist comes later as an additional layer",
    "rate limiting is planned for next sprint",
    "alerting on failed checks is on the roadmap",
    "rotating the shared secret quarterly is planned",
];

/// The same, leaving the URL open or authentication out meanwhile: still refused.
const OPEN_EXTRAS: &[&str] = &[
    "for now the URL is open; mTLS will be added later as a second factor",
    "until the key store migration the endpoint is public; the key list moves to DynamoDB later",
    "the extra key check is disabled for now",
];

fn wish_base() -> impl Strategy<Value = String> {
    // A mechanism that names its own check (`a password checked against …`) enforces it.
    let plain: Vec<&str> = MECHANISMS
        .iter()
        .copied()
        .filter(|m| !m.contains("checked"))
        .collect();
    (
        prop::sample::select(WISH_FRAMES),
        prop::sample::select(plain),
    )
        .prop_map(|(f, m)| f.replace("{m}", m))
}

/// Words of a language the classifier does not read: each holds a letter none of its
/// languages writes, so none is one of their function words.
fn unread_word() -> impl Strategy<Value = String> {
    (
        "[a-z]{2,6}",
        prop::sample::select(&["ł", "ż", "ы", "ğ", "ő", "ș"][..]),
        "[a-z]{0,4}",
    )
        .prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

fn mechanism_base() -> impl Strategy<Value = String> {
    (
        prop::sample::select(MECHANISM_FRAMES),
        prop::sample::select(MECHANISMS),
    )
        .prop_map(|(f, m)| f.replace("{m}", m))
}

fn base() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        mechanism_base().prop_map(|b| (b, false)),
        prop::sample::select(PUBLIC_FRAMES).prop_map(|b| (b.to_owned(), true)),
    ]
}

fn fillers() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(FILLERS).prop_map(str::to_owned), 0..3)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn a_basis_without_deferral_or_negation_is_accepted(
        (base, _) in base(), extra in fillers(), first in any::<bool>(), seed in any::<u64>()
    ) {
        let mut parts = extra;
        if first { parts.insert(0, base) } else { parts.push(base) }
        let reason = dress(parts, seed);
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    #[test]
    fn any_deferral_is_refused(
        (base, _) in base(), d in deferral(), extra in fillers(), at in 0..3usize, seed in any::<u64>()
    ) {
        let mut parts = extra;
        parts.insert(at.min(parts.len()), d);
        parts.insert(0, base);
        let reason = dress(parts, seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Deferral), "{}", reason);
    }

    #[test]
    fn an_extra_left_for_later_beside_a_mechanism_is_accepted(
        base in mechanism_base(), e in prop::sample::select(EXTRAS), extra in fillers(),
        first in any::<bool>(), seed in any::<u64>()
    ) {
        // Separate sentences: the mechanism holds on its own.
        let (a, b) = (dress(vec![base], seed), dress(vec![e.to_owned()], seed / 3));
        let mut reason = if first { format!("{a}. {b}") } else { format!("{b}. {a}") };
        if !extra.is_empty() {
            reason = format!("{reason}. {}", dress(extra, seed / 5));
        }
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    #[test]
    fn an_extra_that_leaves_the_url_open_is_refused(
        base in mechanism_base(), e in prop::sample::select(OPEN_EXTRAS), seed in any::<u64>()
    ) {
        let reason = format!("{}. {}", dress(vec![base], seed), dress(vec![e.to_owned()], seed / 3));
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        // Without a mechanism beside it an extra is a deferral like any other.
        prop_assert_eq!(judge(&dress(vec![e.to_owned()], seed)), Err(Refusal::Deferral));
    }

    #[test]
    fn a_mechanism_negated_in_another_language_is_refused(
        f in prop::sample::select(FOREIGN_NEGATIONS), m in prop::sample::select(FOREIGN_MECHANISMS),
        seed in any::<u64>()
    ) {
        let reason = dress(vec![f.replace("{m}", m)], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    #[test]
    fn a_mechanism_enforced_in_another_language_is_accepted(
        f in prop::sample::select(FOREIGN_ENFORCING), m in prop::sample::select(FOREIGN_MECHANISMS),
        extra in fillers(), seed in any::<u64>()
    ) {
        let reason = dress_first(f.replace("{m}", m), extra, seed);
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    #[test]
    fn a_negated_mechanism_is_refused(
        base in mechanism_base(), n in negation(), extra in fillers(), before in any::<bool>(), seed in any::<u64>()
    ) {
        let mut parts = extra;
        if before { parts.insert(0, n) } else { parts.push(n) }
        parts.insert(0, base);
        let reason = dress(parts, seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    #[test]
    fn a_negation_alone_is_refused(n in negation(), extra in fillers(), seed in any::<u64>()) {
        let mut parts = vec![n, "the URL is called by partners".to_owned()];
        parts.extend(extra);
        let reason = dress(parts, seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    #[test]
    fn a_mechanism_only_wished_for_is_refused(
        base in wish_base(),
        extra in prop::collection::vec(prop::sample::select(NEUTRAL).prop_map(str::to_owned), 0..3),
        seed in any::<u64>()
    ) {
        let reason = dress_first(base, extra, seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Delegation), "{}", reason);
    }

    #[test]
    fn a_wished_for_mechanism_that_is_enforced_is_accepted(
        base in wish_base(), e in prop::sample::select(ENFORCING), extra in fillers(),
        at in 0..3usize, seed in any::<u64>()
    ) {
        let mut parts = extra;
        parts.insert(at.min(parts.len()), e.to_owned());
        parts.insert(0, base);
        let reason = dress(parts, seed);
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    #[test]
    fn a_permission_restricted_to_holders_of_a_mechanism_is_accepted(
        f in prop::sample::select(RESTRICTING_FRAMES), m in prop::sample::select(MECHANISMS),
        extra in fillers(), seed in any::<u64>()
    ) {
        let reason = dress_first(f.replace("{m}", m), extra, seed);
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    #[test]
    fn a_check_made_only_outside_the_function_is_refused(
        f in prop::sample::select(ELSEWHERE_FRAMES), m in prop::sample::select(MECHANISMS),
        extra in fillers(), seed in any::<u64>()
    ) {
        let reason = dress_first(f.replace("{m}", m), extra, seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    #[test]
    fn a_check_outside_the_function_beside_its_own_is_accepted(
        f in prop::sample::select(ELSEWHERE_FRAMES), own in prop::sample::select(ITSELF_FRAMES),
        m in prop::sample::select(MECHANISMS), extra in fillers(), first in any::<bool>(),
        seed in any::<u64>()
    ) {
        let (a, b) = (f.replace("{m}", m), own.replace("{m}", m));
        let mut parts = extra;
        if first { parts.insert(0, a); parts.push(b) } else { parts.insert(0, b); parts.push(a) }
        let reason = dress(parts, seed);
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    #[test]
    fn a_check_that_is_no_more_is_refused(
        f in prop::sample::select(NO_LONGER_FRAMES), m in prop::sample::select(MECHANISMS),
        extra in fillers(), seed in any::<u64>()
    ) {
        let reason = dress_first(f.replace("{m}", m), extra, seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    #[test]
    fn a_check_in_some_environments_only_is_refused(
        base in mechanism_base(), scope in prop::sample::select(ENVIRONMENT_SCOPES),
        extra in fillers(), seed in any::<u64>()
    ) {
        let reason = dress_first(format!("{base} {scope}"), extra, seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    #[test]
    fn a_check_of_one_class_while_another_is_served_as_it_comes_is_refused(
        f in prop::sample::select(CLASS_CHECKS), o in prop::sample::select(CLASS_OPEN),
        m in prop::sample::select(MECHANISMS), c in prop::sample::select(CLASSES),
        d in prop::sample::select(CLASSES), extra in fillers(), seed in any::<u64>()
    ) {
        let parts = vec![f.replace("{m}", m).replace("{c}", c), o.replace("{c}", d)];
        let mut reason = dress(parts, seed);
        if !extra.is_empty() {
            reason = format!("{reason}. {}", dress(extra, seed / 5));
        }
        prop_assert_eq!(judge(&reason), Err(Refusal::Negation), "{}", reason);
    }

    #[test]
    fn a_check_of_one_class_while_another_is_refused_is_accepted(
        f in prop::sample::select(CLASS_CHECKS), o in prop::sample::select(CLASS_CLOSED),
        m in prop::sample::select(MECHANISMS), c in prop::sample::select(CLASSES),
        d in prop::sample::select(CLASSES), seed in any::<u64>()
    ) {
        let reason = format!(
            "{}. {}",
            dress(vec![f.replace("{m}", m).replace("{c}", c)], seed),
            dress(vec![o.replace("{c}", d)], seed / 3)
        );
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    /// A class named with `only` is the one let in (`only POST is accepted`), however its
    /// clauses are joined to the check of that class; an open class beside it is still open.
    #[test]
    fn a_class_only_let_in_beside_its_check_is_accepted(
        only in prop::sample::select(&["only {c} is accepted", "only {c} requests are allowed", "the handler accepts only {c}", "{c} only is served"][..]),
        join in prop::sample::select(&[", and ", "; ", ". ", " - "][..]),
        m in prop::sample::select(MECHANISMS), c in prop::sample::select(&["POST", "GET", "PUT"][..]),
        o in prop::sample::select(CLASS_OPEN), d in prop::sample::select(&["internal", "partner", "reads"][..]),
    ) {
        let reason = format!(
            "{}{join}every {c} request must carry {m}; others get 401",
            only.replace("{c}", c)
        );
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
        let open = format!("{reason}. {}", o.replace("{c}", d));
        prop_assert_eq!(judge(&open), Err(Refusal::Negation), "{}", open);
    }

    /// `should` opening a clause before its subject is a condition (`Should the signature
    /// fail to verify, the request is rejected`), not a guess; after its subject it still
    /// guesses (`the signature should be verified`).
    #[test]
    fn an_inverted_should_is_a_condition_not_a_hedge(
        s in prop::sample::select(&["the signature", "the HMAC of the body", "the bearer token", "the API key"][..]),
        f in prop::sample::select(&["fail to verify", "fail validation", "not match the stored one"][..]),
        r in prop::sample::select(&["the request is rejected with 403", "the handler rejects it with 401", "the call is refused"][..]),
    ) {
        let reason = format!("Should {s} {f}, {r}.");
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
        let guess = format!("{s} should be verified by the handler");
        prop_assert_eq!(judge(&guess), Err(Refusal::Hedge), "{}", guess);
    }

    /// A secret a front adds to each request and the function compares is a shared secret:
    /// callers around the front lack it. The same secret compared only by the front checks
    /// nothing of them.
    #[test]
    fn a_secret_a_front_adds_is_a_mechanism_when_the_function_compares_it(
        front in prop::sample::select(&["CloudFront", "The ALB", "Fastly", "Our API gateway"][..]),
        store in prop::sample::select(&["Secrets Manager", "SSM Parameter Store", "a KMS-encrypted environment variable"][..]),
        own in prop::sample::select(&[
            "the handler rejects requests whose header does not match",
            "the function compares it with the stored value and answers 403 otherwise",
            "the handler compares it in constant time; a mismatch gets 401",
        ][..]),
        elsewhere in prop::sample::select(&["checks", "compares", "validates"][..]),
    ) {
        let reason = format!("{front} adds an origin header holding a secret from {store}; {own}.");
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
        let front_only = format!("{front} {elsewhere} the secret header and forwards matching requests to the URL.");
        prop_assert!(judge(&front_only).is_err(), "{}", front_only);
        // A subject that compares may be the function (an LLM gateway's own check, rt9
        // U-OK-14): only an agent or a front that forwards is elsewhere.
        let own_gateway = format!("Callers send x-api-key; the gateway compares it in constant time with the key in {store} and refuses mismatches.");
        prop_assert_eq!(judge(&own_gateway), Ok(()), "{}", own_gateway);
    }

    /// A check that follows with nothing after it, or that is being promoted or rolled out
    /// to production, is still to come; one in a version behind a canary serves part of the
    /// traffic. A check that follows a spec, beside the function's own, is today's.
    #[test]
    fn a_check_still_reaching_production_is_refused(
        noun in prop::sample::select(&["verification", "validation", "authentication", "signature checking"][..]),
        m in prop::sample::select(MECHANISMS),
        going in prop::sample::select(&["promoted", "rolled out", "deployed", "released"][..]),
        share in prop::sample::select(&["10", "25", "50"][..]),
    ) {
        let follows = format!("Callers have been asked to send {m}; {noun} follows.");
        prop_assert_eq!(judge(&follows), Err(Refusal::Deferral), "{}", follows);
        let promoted = format!("{noun} of {m} is live in staging and is being {going} to production.");
        prop_assert_eq!(judge(&promoted), Err(Refusal::Deferral), "{}", promoted);
        let canary = format!("The handler checks {m} in the new version, which is behind a {share}% canary.");
        prop_assert!(judge(&canary).is_err(), "{}", canary);
        let spec = format!("{noun} follows our spec: the handler checks {m} on every request and rejects failures with 401.");
        prop_assert_eq!(judge(&spec), Ok(()), "{}", spec);
    }

    /// An identity provider checks at sign-in and in its own flows (a user pool's MFA, Auth0
    /// Actions), never on a request to the URL; beside the function's own check of the token
    /// it issued, that is no gap.
    #[test]
    fn an_identity_providers_own_checks_are_not_the_urls(
        who in prop::sample::select(&["Auth0 Actions validate", "Okta's inline Actions verify", "GitHub Actions validate"][..]),
        idp in prop::sample::select(&["Cognito user pool", "Okta tenant", "Entra ID tenant", "Keycloak realm"][..]),
        factor in prop::sample::select(&["MFA", "2FA", "TOTP"][..]),
        own in prop::sample::select(&[
            "the handler verifies each request's access token and rejects the rest",
            "every request must carry a JWT the handler verifies; others get 401",
        ][..]),
    ) {
        let checked = format!("{who} the token of every request.");
        prop_assert_eq!(judge(&checked), Err(Refusal::Negation), "{}", checked);
        let signed_in = format!("Our {idp} enforces {factor} for every user of the web app.");
        prop_assert_eq!(judge(&signed_in), Err(Refusal::Negation), "{}", signed_in);
        let with_own = format!("Our {idp} enforces {factor} at sign-in; {own}.");
        prop_assert_eq!(judge(&with_own), Ok(()), "{}", with_own);
    }

    #[test]
    fn what_is_gone_or_carries_no_data_beside_todays_check_is_accepted(
        base in mechanism_base(), h in prop::sample::select(HISTORY_FRAMES),
        first in any::<bool>(), seed in any::<u64>()
    ) {
        let (a, b) = (dress(vec![base], seed), dress(vec![h.to_owned()], seed / 3));
        let reason = if first { format!("{a}. {b}") } else { format!("{b}. {a}") };
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
        // Alone, it names no check of today.
        prop_assert!(judge(&b).is_err(), "{}", b);
    }

    #[test]
    fn a_published_jwks_or_a_check_before_the_response_is_accepted(
        base in mechanism_base(), b in prop::sample::select(BESIDE_FRAMES),
        first in any::<bool>(), seed in any::<u64>()
    ) {
        let (a, b) = (dress(vec![base], seed), dress(vec![b.to_owned()], seed / 3));
        let reason = if first { format!("{a}. {b}") } else { format!("{b}. {a}") };
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }

    #[test]
    fn a_check_the_caller_can_skip_or_that_only_records_is_refused(
        f in prop::sample::select(OPTIONAL_FRAMES), m in prop::sample::select(MECHANISMS),
        // Clauses that enforce nothing (a filler saying the check is enforced would answer
        // the recorded failures).
        extra in prop::collection::vec(prop::sample::select(NEUTRAL).prop_map(str::to_owned), 0..3),
        seed in any::<u64>()
    ) {
        let reason = dress_first(f.replace("{m}", m), extra, seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    #[test]
    fn a_check_from_a_later_version_is_a_deferral(
        d in prop::sample::select(VERSION_DEFERRALS), extra in fillers(), seed in any::<u64>()
    ) {
        let reason = dress_first(d.to_owned(), extra, seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Deferral), "{}", reason);
    }

    #[test]
    fn a_reason_in_a_language_not_read_is_refused(
        words in prop::collection::vec(unread_word(), 3..10),
        m in prop::sample::select(&["JWT", "token", "API key", "HMAC", "OAuth"][..]),
        at in 0..10usize, seed in any::<u64>()
    ) {
        let mut words = words;
        words.insert(at.min(words.len()), m.to_owned());
        let reason = dress(vec![words.join(" ")], seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Unreadable), "{}", reason);
    }
}

#[test]
fn terse_english_reasons_are_read() {
    for reason in [
        "HMAC-SHA256 request signatures verified",
        "webhook HMAC mismatches rejected",
    ] {
        assert_eq!(judge(reason), Ok(()), "{reason}");
    }
}

#[test]
fn reasons_from_the_field_are_judged() {
    for ok in [
        "callers send an API key checked by the function against Secrets Manager",
        "the response is public data (the health page)",
        "the function authenticates every request except /health with an API key \
         (x-api-key or Bearer) compared against the ApiKey secret",
        "the app checks a bearer key",
        "the webhook verifies the HMAC signature header",
        "the function validates the JWT later in the handler",
        "requests are authenticated with HMAC signatures; unsigned requests get 403",
        "the function requires an API key for every path except /health, which is public data",
        "callers sign requests with HMAC, keys are rotated every 90 days and valid until then",
        "no key is ever accepted from the query string; callers send it in the x-api-key header",
        "callers authenticate with an API key (rotation pending)",
        "the health endpoint returns public data and takes no key",
        "requests must carry a valid JWT from our Cognito user pool; invalid or missing tokens get 401",
        "only requests signed with the partner's HMAC key are processed; others are dropped",
        "the webhook validates the Stripe-Signature header (HMAC-SHA256) and discards unsigned events",
        "API keys are compared in constant time, never logged, and can be rotated without downtime",
        "no secrets are returned; callers still need an API key",
        "OAuth 2.0 client credentials flow; tokens validated against the IdP's JWKS",
    ] {
        assert_eq!(judge(ok), Ok(()), "{ok}");
    }
    for (bad, why) in [
        // A signature only made, with nothing said to verify it (re-judged in round 14: a
        // key word beside it, `keys rotate`, checks nothing either).
        (
            "requests are signed with HMAC; keys rotate until revoked",
            Refusal::Negation,
        ),
        (
            "requests coming from partners are signed with their HMAC key",
            Refusal::Negation,
        ),
        // Cognito's temporary AWS credentials and session token sign with SigV4, which a
        // `NONE` URL never checks, and nothing else is said to (re-judged in round 14).
        (
            "callers use temporary credentials from Cognito and a session token",
            Refusal::Negation,
        ),
        ("TODO: add auth before launch", Refusal::Deferral),
        (
            "public temporarily while the API key check is built",
            Refusal::Deferral,
        ),
        (
            "open for the demo, an API key comes later",
            Refusal::Deferral,
        ),
        (
            "the API key check is disabled until Friday",
            Refusal::Deferral,
        ),
        (
            "callers will send a bearer token once Cognito is set up",
            Refusal::Deferral,
        ),
        ("no auth, the key is not checked yet", Refusal::Deferral),
        (
            "callers send an API key but the function does not check it",
            Refusal::Negation,
        ),
        (
            "callers send a bearer token but it is not validated",
            Refusal::Negation,
        ),
        (
            "API keys are checked; auth can be bypassed with a debug header",
            Refusal::Negation,
        ),
        ("JWT auth is planned", Refusal::Deferral),
        (
            "public for the moment; API key check coming in v2",
            Refusal::Deferral,
        ),
        ("API key auth to follow", Refusal::Deferral),
        (
            "short-term: public with an API key, long-term IAM",
            Refusal::Deferral,
        ),
        (
            "signatures get verified in a future release",
            Refusal::Deferral,
        ),
        (
            "a bearer token, with an auth bypass for health checks",
            Refusal::Negation,
        ),
        ("the URL is secret so no auth is needed", Refusal::Negation),
        ("an API key is optional for now", Refusal::Deferral),
        ("it's a demo so no auth", Refusal::Deferral),
        ("an API key exists but is not required", Refusal::Negation),
        ("because we need it", Refusal::NoBasis),
        ("the frontend team asked for this URL", Refusal::NoBasis),
    ] {
        assert_eq!(judge(bad), Err(why), "{bad}");
    }
}
/// A second corpus, written after the grammar tests passed (it found three misses: a negated
/// act of protecting, a stubbed check, an `until` of an arrival).
#[test]
fn further_phrasings_are_judged() {
    for bad in [
        "Auth is on the roadmap; callers use an API key eventually",
        "We haven't wired up the API key check",
        "API key validation is stubbed out",
        "Bearer token check is commented out while debugging",
        "keys are not enforced yet",
        "temporary exposure for the partner demo, API key to be enforced",
        "open endpoint for a hackathon, keys optional",
        "public: the function does no authentication, the URL is obscure",
        "Nobody checks the token but it's fine",
        "API key auth pending security review",
        "Until Cognito lands, callers just send any API key",
        "The token isn't validated at the moment",
        "skip auth in dev; prod uses API keys",
        "no API key check needed since it's internal",
        "Interim: shared API key hardcoded in clients",
        "Leaving this open so QA can test without keys",
        "auth will come with the next release",
        "We trust the callers, no signature verification",
        "JWT validation disabled for performance",
        "the API key is accepted but never verified",
    ] {
        assert!(judge(bad).is_err(), "{bad}");
    }
    for ok in [
        "Every request carries an x-api-key header that the handler checks against Secrets Manager and rejects with 401 when it does not match",
        "Callers sign each request body with HMAC-SHA256 using a per-partner secret; the function recomputes and compares the signature",
        "The function verifies a Cognito-issued JWT (signature, issuer, audience, expiry) on every call",
        "Returns the public status page only: no secrets, no user data",
        "OAuth access tokens are introspected against the IdP before any work is done",
        "Requests without a valid bearer token never reach the model",
        "The webhook checks GitHub's X-Hub-Signature-256 HMAC and ignores anything unsigned",
        "Each client holds its own API key; keys stay valid until an operator revokes them",
        "API keys (x-api-key or Authorization: Bearer) are compared in constant time; the key list is cached until its TTL expires",
        "The bearer token check never fails open: any error answers 401",
        "A request whose signature does not verify is never let through",
        "Chaque requête doit porter une clé API valide, vérifiée par la fonction",
    ] {
        assert_eq!(judge(ok), Ok(()), "{ok}");
    }
}

/// Clauses that refuse in the words of the rules above (`alg none`, an outage, `except`), each
/// beside every mechanism frame: accepted.
#[test]
fn refusals_worded_like_the_gaps_they_close_are_accepted() {
    let refusing = [
        "tokens with alg none are rejected",
        "if the key store is down, requests are refused with 503",
        "when the identity provider times out, the call fails with 401",
        "every request is checked, except CORS preflights and the health check",
        "the key is checked on every request, including one in ten sent by our own probes",
        "the 401 in a JSON body names the missing header",
        "events failing verification are dropped with 400",
        "a jku header is accepted only from our pinned JWKS URL",
        "the handler lets requests in only with a valid key",
        "the key is checked before the request is served and before any work",
        "requests with an expired key are never served",
        "tokens expired by up to a minute of clock skew are accepted",
        "authentication happens in the handler, before any work",
        "requests that fail the signature check are dropped",
        "unverified requests are rejected",
    ];
    for frame in MECHANISM_FRAMES {
        for m in MECHANISMS {
            for r in refusing {
                let reason = format!("{}; {r}", frame.replace("{m}", m));
                assert_eq!(judge(&reason), Ok(()), "{reason}");
            }
        }
    }
}

const PRESENTING: &[&str] = &[
    "callers present {m}",
    "each client sends {m} with its requests",
    "requests include {m} in a header",
];
const KEPT: &[&str] = &[
    "which the function writes to the access log for auditing",
    "and it is logged with the request",
    "which is stored beside each request in DynamoDB",
    "which the handler forwarded to the analytics pipeline",
];
const JUDGING: &[&str] = &[
    "and the function compares it in constant time with the stored one",
    "requests whose key does not match get 401",
    "the handler checks it against Secrets Manager",
    "only a valid one gets an answer",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A credential callers send that the reason only keeps (logs, stores, forwards) is judged
    /// by nothing: refused; the same with a clause that judges it passes.
    #[test]
    fn a_credential_only_kept_is_refused_and_one_judged_passes(
        p in prop::sample::select(PRESENTING),
        m in prop::sample::select(&["an API key", "a bearer token", "a JWT", "an HMAC signature", "a session cookie", "an x-api-key header"][..]),
        k in prop::sample::select(KEPT), j in prop::sample::select(JUDGING), seed in any::<u64>()
    ) {
        let kept = format!("{}, {k}", p.replace("{m}", m));
        prop_assert_eq!(judge(&dress(vec![kept.clone()], seed)), Err(Refusal::Negation), "{}", kept);
        let judged = format!("{kept}; {j}");
        prop_assert_eq!(judge(&judged), Ok(()), "{}", judged);
    }
}

/// Credentials as reasons name them beside what is done with them.
const CREDENTIALS_DONE_WITH: &[&str] = &[
    "The Twilio auth token",
    "Shopify's HMAC-SHA256 signature",
    "The GitLab secret token",
    "The partner's API key",
    "The webhook signing secret",
    "Basic auth",
    "An x-api-key header",
    "The session cookie",
];
/// What is done with a credential besides judging it: kept, sent, configured, made, done.
const NOT_JUDGING: &[&str] = &[
    "lives in Secrets Manager",
    "is sent with each delivery",
    "is configured in the vendor's dashboard",
    "is embedded in the webhook URL the vendor calls",
    "is passed to the function in an environment variable",
    "is made by the vendor's SDK for every request",
    "is done by the browser prompt",
    "is rotated every 90 days",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A credential the reason keeps, sends, configures or makes but that nothing judges (no
    /// check, comparison, requirement or refusal) authenticates no one; with a clause that
    /// judges it, it does.
    #[test]
    fn a_credential_nothing_judges_is_refused_and_one_judged_passes(
        m in prop::sample::select(CREDENTIALS_DONE_WITH),
        d in prop::sample::select(NOT_JUDGING),
        j in prop::sample::select(JUDGING),
        seed in any::<u64>()
    ) {
        let done = format!("{m} {d}");
        prop_assert_eq!(judge(&dress(vec![done.clone()], seed)), Err(Refusal::Negation), "{}", done);
        let judged = format!("{done}; {j}");
        prop_assert_eq!(judge(&judged), Ok(()), "{}", judged);
    }
}

/// A check that takes place somewhere the URL's callers control (`on the client`, `in the
/// browser`, `in the SPA's SDK`) is no check of them, with any mechanism and filler; in the
/// handler it is.
#[test]
fn a_check_that_takes_place_on_the_client_is_refused() {
    for place in [
        "on the client",
        "in the browser",
        "in the frontend",
        "on the client SDK",
    ] {
        for m in MECHANISMS {
            for frame in [
                "authentication of {m} happens {p}",
                "the check of {m} is done {p}",
                "validation of {m} takes place {p}",
            ] {
                let reason = frame.replace("{m}", m).replace("{p}", place);
                assert!(judge(&reason).is_err(), "{reason}");
                let own = frame
                    .replace("{m}", m)
                    .replace("{p}", "in the handler, before any work");
                assert_eq!(judge(&own), Ok(()), "{own}");
            }
        }
    }
}

/// A check made only when the caller supplies the credential lets the rest through; one whose
/// outcome decides what is served does not (the active-voice neighbours of the rule).
#[test]
fn a_check_whose_outcome_gates_the_response_is_accepted() {
    for m in MECHANISMS {
        for frame in [
            "the handler verifies {m} and answers only when it matches",
            "we check {m}, responding only when it is valid",
        ] {
            let reason = frame.replace("{m}", m);
            assert_eq!(judge(&reason), Ok(()), "{reason}");
        }
    }
}

/// Mechanisms as bare nouns, for frames that put a determiner or a head noun around them.
const NOUNS: &[&str] = &[
    "API key",
    "bearer token",
    "JWT",
    "HMAC signature",
    "session cookie",
    "Cognito token",
    "OAuth access token",
    "PASETO token",
];

/// Checks still to come, in tenses and idioms beyond the markers: a future or a wish of
/// checking, work under way, a version still to come, an idiom of unfinished work.
const PENDING_FRAMES: &[&str] = &[
    "we will require {m} on every call",
    "we'll verify {m} in the handler",
    "the handler is going to validate {m}",
    "{m} will be checked by the function",
    "ideally the handler would verify {m}",
    "checking {m} would be good to have",
    "{m} is being added to the handler",
    "{m} checks are being provisioned",
    "{m} is in the works",
    "{m} is the target state",
    "{m} comes in phase 2",
    "the {m} check is tracked in JIRA",
    "ETA for {m} is Q3",
    "{m} was deprioritised",
    "{m} is required from the next major version on",
    "{m} is enforced as soon as the partner portal is live",
    "there's an open ticket to require {m}",
    "we're rolling out {m} validation over the next few weeks",
    "una vez que tengamos Cognito, validaremos el {m}",
    "we're adding {m} checks this month",
    "public only during the migration window; {m} is checked",
];

/// Checks taken away, and a URL left open or answering everyone.
const REMOVED_FRAMES: &[&str] = &[
    "we removed {m}",
    "the team scrapped {m}",
    "the {m} requirement was dropped",
    "{m} validation was ripped out during the refactor",
    "{m} was retired last year",
    "the URL is left open while {m} is designed",
    "open until further notice, {m} notwithstanding",
    "the endpoint answers everyone and logs {m}",
    "mobile requests carry {m}; web requests do not need one",
    "{m} is validated in staging; production skips it",
    "{m} is implemented but switched off by an environment variable",
    "the {m} check is written but disabled pending the partner's cutover",
    "we decode the {m} and read the tenant from it",
    "we check that the {m} is well-formed before reading the tenant claim",
    "the {m} is parsed but the comparison result is ignored",
    "keys are validated, but a missing {m} falls back to the guest account",
    "we accept any {m} signed by any issuer",
    "{m} is only enforced in production; this is the staging URL",
    "the {m} header is required to be present; its value can be anything",
    "protected by the {m} the client app embeds in its JavaScript bundle",
    "public until Cognito is configured for this account; {m} after that",
    "{m} check: returns early with success when the header is missing",
    "{m} validation goes in after the pen test; until then it's open",
    "{m} is checked client-side in the SDK",
    "{m} checks are on the list for the next hardening pass",
    "{m} verification: blocked by legal review of the IdP contract",
    "{m} checks come online with the identity platform migration",
    "{m} verification lives in a separate branch awaiting review",
    "{m}s are validated but failures are only reported to Datadog",
];

/// AWS's request signing, which only an `AWS_IAM` URL checks.
const AWS_SIGNING_FRAMES: &[&str] = &[
    "CloudFront origin access control signs requests to the URL",
    "CloudFront OAC signs each request, so only our distribution can call it",
    "IAM auth is set through the resource policy, so callers are signed",
    "partners cannot sign with SigV4, so the URL is public",
    "requests are SigV4-signed by our IAM roles",
];

/// Valid reasons whose marker words stand for something else: the subject of a refusal, a
/// named content, a future refusal, public by design, Basic credentials checked.
const MARKER_NEIGHBOURS: &[&str] = &[
    "{m} is required; keys pending approval are rejected with 403",
    "{m} is verified and tokens with an iat in the future are rejected",
    "{m} is checked; requests without it will be rejected",
    "the handler verifies {m}; requests without it will get 401",
    "Public data: the product roadmap that we publish on our website",
    "it serves the demo catalogue that is public on our marketing site",
    "it returns the app's minimum supported version, which is public by design",
    "webhook for the beta programme's signup form; {m} is verified by the handler and others get 401",
    "the handler requires HTTP Basic credentials and checks them against bcrypt hashes; wrong ones get 401",
    "we removed nothing: {m} is verified on every request and failures get 401",
    "the demo environment has its own stack; this production URL requires {m} on every call",
    "a temporary outage of the JWKS endpoint makes the handler refuse requests carrying {m}",
    "Hasura calls this with a shared secret header that the handler compares in constant time",
    "requests are authenticated with {m}, verified in the handler; no token, no answer",
    "pricing page data, the same plans shown on our public website",
    "the handler verifies {m}; tokens from any issuer other than ours are rejected",
    "we verify {m} in the handler; temporary network errors while fetching keys fail closed",
    "Shopify app proxy requests are verified with the HMAC signature parameter and the app secret",
    "until 2025 this endpoint used IAM auth; it now verifies {m} in the handler and rejects invalid ones with 401",
    "the handler authenticates each call with {m}, then rate-limits per user; the limit will be raised later for paying users",
    "the health path answers without a key; every other path verifies {m} and refuses failures",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A check promised in any tense or idiom is refused beside a mechanism or alone.
    #[test]
    fn a_check_still_to_come_is_refused_in_any_tense(
        f in prop::sample::select(PENDING_FRAMES), m in prop::sample::select(NOUNS),
        extra in fillers(), seed in any::<u64>()
    ) {
        let reason = dress_first(f.replace("{m}", m), extra, seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    /// A check taken away, or a URL left open to everyone, is refused.
    #[test]
    fn a_check_taken_away_or_a_url_left_open_is_refused(
        f in prop::sample::select(REMOVED_FRAMES), m in prop::sample::select(NOUNS),
        seed in any::<u64>()
    ) {
        let reason = dress(vec![f.replace("{m}", m)], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    /// IAM's, SigV4's and origin access control's signing is no mechanism of a public URL.
    #[test]
    fn aws_request_signing_is_no_mechanism_of_a_public_url(
        f in prop::sample::select(AWS_SIGNING_FRAMES), seed in any::<u64>()
    ) {
        let reason = dress(vec![f.to_owned()], seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::NoBasis), "{}", reason);
    }

    /// Marker words that describe a refused credential or a named content, and futures of
    /// refusing, leave a valid reason valid.
    #[test]
    fn a_marker_word_in_another_sense_is_accepted(
        f in prop::sample::select(MARKER_NEIGHBOURS), m in prop::sample::select(MECHANISMS),
        seed in any::<u64>()
    ) {
        let reason = dress(vec![f.replace("{m}", m)], seed);
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
    }
}

/// Words the rules look around (markers, their neighbours, credentials, punctuation), for
/// reasons of any order and length: the judge must answer each, never panic at a clause's end.
const ANY_WORDS: &[&str] = &[
    "for",
    "the",
    "demo",
    "beta",
    "roadmap",
    "pending",
    "future",
    "later",
    "removed",
    "dropped",
    "open",
    "anyone",
    "everyone",
    "answers",
    "would",
    "will",
    "being",
    "added",
    "until",
    "once",
    "as",
    "soon",
    "key",
    "token",
    "rejected",
    "that",
    "which",
    "public",
    "catalogue",
    "data",
    "programme's",
    "one",
    "it",
    "skips",
    "need",
    "without",
    "IAM",
    "signs",
    "so",
    "during",
    "from",
    "next",
    "phase",
    "2",
    "tracked",
    "in",
    "jira",
    "eta",
    "is",
    "are",
    ",",
    ";",
    ".",
    ":",
    "(",
    ")",
    "-",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn the_judge_answers_any_sequence_of_the_words_its_rules_read(
        words in prop::collection::vec(prop::sample::select(ANY_WORDS), 0..14)
    ) {
        let _ = judge(&words.join(" "));
    }
}

/// What the caller leaves out, in a clause restricting the check: an opt-out.
const OPT_OUTS: &[&str] = &["absent", "omitted", "unset"];
const FLAGS: &[&str] = &[
    "X-Sandbox header",
    "dry_run parameter",
    "X-Debug header",
    "test query flag",
];
/// Where a credential every caller could read is printed.
const PLACES: &[&str] = &[
    "integration guide",
    "partner handbook",
    "user manual",
    "README",
    "FAQ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A check that runs only when the caller leaves something out is the caller's choice;
    /// a rejection when the credential is absent is a check.
    #[test]
    fn a_check_the_caller_opts_out_of_by_omission_is_refused(
        m in prop::sample::select(MECHANISMS), o in prop::sample::select(OPT_OUTS),
        f in prop::sample::select(FLAGS), seed in any::<u64>()
    ) {
        let reason = dress(vec![format!("{m} is checked by the handler, but only when the {f} is {o}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("the handler verifies {m} and rejects the request with 401 when it is {o}")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A credential the reason says is printed where callers read it authenticates no one,
    /// also when a pronoun names it; a public key printed there is public by design.
    #[test]
    fn a_credential_printed_for_every_caller_is_refused(
        m in prop::sample::select(MECHANISMS), p in prop::sample::select(PLACES),
        verb in prop::sample::select(&["printed", "published", "documented"][..]), seed in any::<u64>()
    ) {
        let reason = dress(vec![format!("every request must carry {m}"), format!("it is the same for all partners and {verb} in the {p}")], seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Negation), "{}", reason);
        let valid = dress(vec![format!("every request must carry {m}"), format!("the public key is {verb} in the {p}")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// Routes a check leaves open, named by where requests go.
const OPEN_ROUTES: &[&str] = &[
    "the /replay path",
    "GET requests",
    "the admin route",
    "the partner callback",
    "POST calls to /retry",
];
/// What goes on after a failed check.
const STILL_DONE: &[&str] = &["queued", "processed", "paid", "forwarded"];
/// Comparisons that accept other keys.
const LOOSE_COMPARISONS: &[&str] = &[
    "is compared with startsWith",
    "is compared against the configured prefix",
    "is matched on its prefix",
    "is checked with includes",
];
/// Something still to finish, in the perfect.
const STILL_TO_FINISH: &[&str] = &[
    "the partners have migrated",
    "the SDK has shipped",
    "every client has upgraded",
    "the key store has launched",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A route excepted from the check is open; the health route carries no data.
    #[test]
    fn a_route_excepted_from_the_check_is_refused(
        m in prop::sample::select(MECHANISMS), r in prop::sample::select(OPEN_ROUTES), seed in any::<u64>()
    ) {
        let reason = dress(vec![format!("requests are authenticated with {m}, except {r}, which the ops team calls by hand")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("requests are authenticated with {m}, except the /health path, which returns public status data")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A failed check after which the work goes on stops nothing; one whose failures are
    /// rejected does.
    #[test]
    fn work_that_goes_on_after_a_failed_check_is_refused(
        m in prop::sample::select(MECHANISMS), d in prop::sample::select(STILL_DONE), seed in any::<u64>()
    ) {
        let reason = dress(vec![format!("the handler verifies {m}"), format!("invalid ones are logged and the payout is still {d}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("the handler verifies {m}"), format!("invalid ones are rejected with 401 and the payout is never {d}")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A comparison by prefix or substring accepts other keys.
    #[test]
    fn a_loose_comparison_is_refused(c in prop::sample::select(LOOSE_COMPARISONS), seed in any::<u64>()) {
        let reason = dress(vec![format!("callers send an API key, which {c}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec!["callers send an API key, which is compared in constant time with the stored one".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// Enforcement that starts once something still to finish has finished is a deferral;
    /// a check that starts after a step of the request is today's.
    #[test]
    fn enforcement_starting_after_a_future_event_is_refused(
        m in prop::sample::select(MECHANISMS), e in prop::sample::select(STILL_TO_FINISH), seed in any::<u64>()
    ) {
        let reason = dress(vec![format!("{m} is required, and enforcement starts when {e}")], seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Deferral), "{}", reason);
        let valid = dress(vec![format!("{m} is required, and the check starts after the body is parsed")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// Where a credential is built into what every caller holds.
const CLIENTS: &[&str] = &[
    "our mobile app",
    "the JavaScript bundle",
    "the partner SDK",
    "the desktop client binary",
];
/// Ordinary words a password could be set to.
const VALUES: &[&str] = &["payouts", "acme2024", "partner", "springtime"];
/// Who is accepted unqualified.
const EVERYONE: &[&str] = &[
    "accepts any caller",
    "allows all requests",
    "serves every client",
];
/// When a check runs that gates nothing.
const AFTER_THE_WORK: &[&str] = &[
    "happens asynchronously once the payout has been queued",
    "runs in the background",
    "runs after the response has been sent",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A secret built into a client every caller has is everyone's.
    #[test]
    fn a_credential_embedded_in_a_client_is_refused(c in prop::sample::select(CLIENTS), seed in any::<u64>()) {
        let reason = dress(vec![format!("the HMAC signature is verified against the secret that is also embedded in {c}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("the HMAC signature is verified against a secret kept in Secrets Manager; {c} never holds it")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A password whose value the reason writes out is published by the reason.
    #[test]
    fn a_credential_written_out_in_the_reason_is_refused(v in prop::sample::select(VALUES), seed in any::<u64>()) {
        let reason = dress(vec![format!("basic auth, with username and password both set to {v}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec!["basic auth with a password set to a random value from Secrets Manager, checked on every request".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// An environment or stage that takes every caller is open; every caller with a key is not.
    #[test]
    fn a_stage_that_takes_every_caller_is_refused(e in prop::sample::select(EVERYONE), seed in any::<u64>()) {
        let reason = dress(vec!["an API key is required in production".to_owned(), format!("staging {e} so partners can test")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("the function {e} that presents a valid API key, and rejects the rest with 401")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A check that runs beside or after the work does not gate it.
    #[test]
    fn a_check_after_the_work_is_refused(m in prop::sample::select(MECHANISMS), a in prop::sample::select(AFTER_THE_WORK), seed in any::<u64>()) {
        let reason = dress(vec![format!("verification of {m} {a}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("verification of {m} happens before any work, and failures get 401")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// Records a function reads or writes, named by what they are the status of.
const RECORDS: &[&str] = &[
    "payout status",
    "order status",
    "invoice history",
    "transfer details",
];
/// How a failing check lets the request go on, in its own clause.
const GOES_ON: &[&str] = &[
    "we let the request continue",
    "the request is allowed to proceed",
    "requests pass through",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A class of requests that needs no credential is open, also when it reads a record's
    /// status; the service's status page carries no data.
    #[test]
    fn reads_of_records_left_without_a_key_are_refused(r in prop::sample::select(RECORDS), seed in any::<u64>()) {
        let reason = dress(vec!["a partner key is required for writes".to_owned(), format!("reads of {r} need none")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec!["a partner key is required for writes and reads".to_owned(), "the status page needs none".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A check whose failure lets the request go on, said in one clause, fails open.
    #[test]
    fn a_check_that_fails_open_in_one_clause_is_refused(m in prop::sample::select(MECHANISMS), g in prop::sample::select(GOES_ON), seed in any::<u64>()) {
        let reason = dress(vec![format!("the handler verifies {m}, and when verification errors out {g} so payouts are not delayed")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("the handler verifies {m}, and when verification errors out the request is rejected with 503")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A comparison that ignores case accepts other keys, the adverb after it too.
    #[test]
    fn a_case_insensitive_comparison_is_refused(verb in prop::sample::select(&["compared", "matched", "checked"][..]), seed in any::<u64>()) {
        let reason = dress(vec![format!("the API key is sent in a header and {verb} case-insensitively")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("the API key is sent in a header and {verb} byte for byte in constant time")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// What checks nothing of a `NONE` URL's callers: AWS and its services other than the
/// function, named as the one that checks.
const AWS_CHECKERS: &[&str] = &[
    "AWS",
    "Lambda's built-in API key support",
    "the Lambda console",
    "Bedrock",
    "the Bedrock guardrail",
    "AWS Shield",
];
/// Verbs a checker does its work with, passive and active.
const CHECKED_BY: &[(&str, &str)] = &[
    ("is verified by", "verifies"),
    ("is checked by", "checks"),
    ("is validated by", "validates"),
    ("is protected by", "protects"),
    ("is handled by", "handles"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A check said to be made by AWS or one of its services (Lambda the service, Bedrock)
    /// is made by nothing a `NONE` URL's request meets; the function's own check is one,
    /// however it is called (`our Lambda`, `the Lambda function`, a clause's first `Lambda`).
    #[test]
    fn a_check_by_aws_or_its_services_is_refused(
        m in prop::sample::select(MECHANISMS), a in prop::sample::select(AWS_CHECKERS),
        v in prop::sample::select(CHECKED_BY), seed in any::<u64>()
    ) {
        let passive = dress(vec![format!("{m} {} {a}", v.0)], seed);
        prop_assert!(judge(&passive).is_err(), "{}", passive);
        let active = dress(vec![format!("callers send {m}, which {a} {}", v.1)], seed);
        prop_assert!(judge(&active).is_err(), "{}", active);
        let relative = dress(vec![format!("{m} is configured in the Lambda console, which Lambda {}", v.1)], seed);
        prop_assert!(judge(&relative).is_err(), "{}", relative);
        for own in ["the handler", "our Lambda", "the Lambda function"] {
            let valid = dress(vec![format!("{m} {} {own}, and failures get 401", v.0)], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
        let valid = dress(vec![format!("{a} is called only after the handler {} {m}; failures get 401", v.1)], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// Settings of a check, by the name code gives them, with the value that turns the check off
/// and one that leaves it on.
const SETTINGS: &[(&str, &str, &str)] = &[
    ("VERIFY_TOKENS", "false", "true"),
    ("AUTH_ENABLED", "false", "true"),
    ("STRICT_AUTH", "0", "1"),
    ("verify_signature", "False", "True"),
    ("REQUIRE_HMAC", "off", "on"),
    ("SKIP_AUTH", "true", "false"),
    ("ALLOW_ANONYMOUS", "true", "false"),
    ("BYPASS_SIGNATURE_CHECK", "1", "0"),
    (
        "EXPECTED_TOKEN",
        "empty",
        "a 32-byte random value from Secrets Manager",
    ),
];
/// How a reason gives a setting its value.
const SETTING_FRAMES: &[&str] = &[
    "`{s}={v}` in this stack",
    "{s} is set to {v}, which it is in production",
    "the check sits behind `{s}`, which is `{v}` here",
    "the library call passes `{s}: {v}`",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A setting of the check given the value that turns it off refuses the reason whatever
    /// its name's words say; the value that keeps it on, or the name alone, leaves it valid.
    #[test]
    fn a_setting_that_turns_the_check_off_is_refused(
        m in prop::sample::select(MECHANISMS), s in prop::sample::select(SETTINGS),
        f in prop::sample::select(SETTING_FRAMES), seed in any::<u64>()
    ) {
        let (name, off, on) = s;
        let reason = dress(vec![format!("the handler verifies {m}"), f.replace("{s}", name).replace("{v}", off)], seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Negation), "{}", reason);
        let valid = dress(vec![format!("the handler verifies {m} and rejects failures with 401"), f.replace("{s}", name).replace("{v}", on)], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        let named = dress(vec![format!("the handler verifies {m} and rejects failures with 401"), format!("`{name}` is covered by a unit test")], seed);
        prop_assert_eq!(judge(&named), Ok(()), "{}", named);
    }
}

/// What a credential is compared with when the request carries it too, and what the function
/// keeps to compare with.
const FROM_THE_REQUEST: &[&str] = &[
    "the value of the request's own X-Expected-Key header",
    "the secret the caller sends in X-Secret",
    "the X-Token-Echo header the client also sends",
    "a claim of the token itself",
];
const KEPT_BY_THE_FUNCTION: &[&str] = &[
    "the key stored in Secrets Manager",
    "the hash kept in DynamoDB",
    "our pinned JWKS",
    "the configured secret",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A credential compared with what the same request carries passes every request that
    /// agrees with itself; compared with what the function keeps, it is a check.
    #[test]
    fn a_credential_compared_with_what_the_request_carries_is_refused(
        r in prop::sample::select(FROM_THE_REQUEST), k in prop::sample::select(KEPT_BY_THE_FUNCTION),
        verb in prop::sample::select(&["checked against", "compared with", "verified against", "matched against"][..]),
        seed in any::<u64>()
    ) {
        let reason = dress(vec![format!("the API key is {verb} {r}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("the API key is {verb} {k}"), "mismatches get 401".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A list of credentials holding `*` holds every credential; `*` of CORS origins, a
    /// refused wildcard and markdown's emphasis are no such list.
    #[test]
    fn a_credential_list_holding_a_wildcard_is_refused(
        m in prop::sample::select(&["API keys", "issuers", "partner tokens", "audiences"][..]),
        seed in any::<u64>()
    ) {
        let reason = dress(vec![format!("the handler checks requests against an allow-list of {m} that holds *")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![format!("CORS allows origin *"), format!("the handler checks each request's JWT against an allow-list of **{m}** and rejects the rest with 401")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// How a refusal is said of credentials in a state that is off, and what the same states say
/// when nothing refuses.
const REFUSED_IN_A_STATE: &[&str] = &[
    "a disabled key gets {c}",
    "{c} if the key is disabled",
    "a key suspended by billing gets {c} until the invoice is paid",
    "Rejected: anything unsigned, or signed with an old secret",
    "a token whose scope includes chat:invoke is served, any other gets {c}",
];
const OFF_WITHOUT_A_REFUSAL: &[&str] = &[
    "the key check is disabled until the invoice is paid",
    "the key is disabled for now",
    "the signature check is suspended until the migration",
];
/// A client error status of HTTP, and a ticket's number that is none.
const STATUSES: &[&str] = &["401", "402", "403", "429"];

/// `public` in the other languages the judge reads, of what a URL serves and of the URL.
const FOREIGN_PUBLIC: &[(&str, &str)] = &[
    (
        "données publiques, pas d'authentification nécessaire",
        "l'URL est publique, pas d'authentification nécessaire",
    ),
    (
        "öffentliche Daten, keine Authentifizierung nötig",
        "die URL ist öffentlich, keine Authentifizierung nötig",
    ),
    (
        "datos públicos, no se necesita autenticación",
        "la API es pública, no se necesita autenticación",
    ),
    (
        "orari e dati pubblici di ogni filiale, nessuna autenticazione necessaria",
        "l'endpoint è pubblico, nessuna autenticazione necessaria",
    ),
    (
        "de openbare dienstregeling; geen authenticatie nodig",
        "het endpoint is openbaar; geen authenticatie nodig",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A credential in a switched-off state that a clause refuses (by a status, a label or a
    /// refusal lasting `until`) is what the check refuses; the same state of the check, or of
    /// a credential nothing refuses, negates it; a ticket's number refuses nothing.
    #[test]
    fn a_refusal_of_credentials_in_a_state_is_a_check(
        f in prop::sample::select(REFUSED_IN_A_STATE), off in prop::sample::select(OFF_WITHOUT_A_REFUSAL),
        c in prop::sample::select(STATUSES), seed in any::<u64>()
    ) {
        let valid = dress(vec!["API keys are checked on every request".to_owned(), f.replace("{c}", c)], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        let reason = dress(vec!["API keys are sent on every request".to_owned(), format!("{off}, see PAY-{c}")], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }

    /// What a URL serves called public in another language is public data; the URL called
    /// public is no reason.
    #[test]
    fn public_data_in_other_languages_is_a_basis(p in prop::sample::select(FOREIGN_PUBLIC), seed in any::<u64>()) {
        let valid = dress(vec![p.0.to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        let reason = dress(vec![p.1.to_owned()], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }
}

/// Reasons that name a check something else makes, after the work, on a share of the traffic,
/// of a credential everyone has or put to no use; each beside a valid neighbour in the same
/// words.
const ELSEWHERE_OR_LATER: &[(&str, &str)] = &[
    (
        "{m} is required by the function URL config",
        "{m} is required by the handler, which answers 401 without it",
    ),
    (
        "the partner pins our TLS certificate, so only they can talk to us",
        "the handler pins each partner's client certificate fingerprint inside {m} and rejects others",
    ),
    (
        "{m} is verified in the consumer Lambda that reads from the queue after we enqueue the event",
        "{m} is verified in the handler before we enqueue the event; failures get 401",
    ),
    (
        "{m} is checked, currently rolled out to 0% of traffic",
        "{m} is checked on 100% of requests, failures get 401",
    ),
    (
        "there is {m}, but it's the same for everyone and shipped in the iOS app",
        "there is {m} per partner, kept in Secrets Manager, and the handler rejects unknown ones",
    ),
    (
        "requests must include {m}; its value is logged for analytics and otherwise unused",
        "requests must include {m}; its value is compared with the stored one and mismatches get 401",
    ),
];

/// More ways a reason names a check and takes it back, each beside a neighbour that keeps it.
const TAKEN_BACK: &[(&str, &str)] = &[
    (
        "{m} is verified by the handler (well, it will be after PLAT-2231 merges)",
        "{m} is verified by the handler (it has been since PLAT-2231 merged); failures get 401",
    ),
    (
        "{m} verification: done (in the staging branch)",
        "{m} verification: done, on the main branch and deployed; failures get 401",
    ),
    (
        "{m} is verified; the check is in PR 412, still open",
        "{m} is verified; the check was added in PR 412 and is covered by tests",
    ),
    (
        "only the first request of each session is authenticated with {m}",
        "only requests with {m} are processed; the rest get 401",
    ),
    (
        "{m} is checked; clients that don't sign are still served",
        "{m} is checked; clients that don't sign get 401",
    ),
    (
        "{m} is checked with `==`; the credentials are admin/admin",
        "{m} is checked with a constant-time compare; the credentials come from Secrets Manager",
    ),
    (
        "we check that the Authorization header with {m} starts with Bearer",
        "we check that the Authorization header with {m} starts with Bearer and verify its signature",
    ),
    (
        "callers must send {m}, any token",
        "callers must send {m}, which the handler verifies",
    ),
    (
        "- auth: {m}\n- enforcement: off until partner onboarding wraps up",
        "- auth: {m}\n- enforcement: on, failures get 401",
    ),
    (
        "callers present {m}; we log its subject for auditing",
        "callers present {m}; we verify it and log its subject for auditing",
    ),
    (
        "{m} is validated by introspection; when the IdP is slow we skip introspection",
        "{m} is validated by introspection; when the IdP is slow we answer 503",
    ),
    (
        "la clé API est vérifiée seulement en production, pas en recette, avec {m}",
        "la clé API est vérifiée dans chaque environnement, avec {m}; sinon 401",
    ),
];

/// A check of what is no proof (expiry, presence, part of it), a kill switch in use, and the
/// rest taken on trust, beside neighbours that judge the credential.
const NO_PROOF: &[(&str, &str)] = &[
    (
        "the function checks the expiry of {m}; everything else about it is trusted",
        "the function checks the expiry and signature of {m} against the JWKS; failures get 401",
    ),
    (
        "every request is authenticated by the presence of {m}",
        "every request is authenticated by {m}, compared with the stored hash; 401 otherwise",
    ),
    (
        "{m} validation has a kill switch that ops flip when the IdP is down",
        "{m} validation has no kill switch; failures get 401",
    ),
    (
        "the check of {m} compares only the first 8 characters to keep it fast",
        "the check of {m} compares all of it in constant time; mismatches get 401",
    ),
    (
        "there's a check of {m}, but it's disabled in prod",
        "there's a check of {m}, and mismatches get 401 in every stage",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]


    /// A signature or token named in the other languages is a mechanism.
    #[test]
    fn foreign_names_of_a_signature_or_token_are_mechanisms(seed in any::<u64>()) {
        for r in [
            "Die Signatur jeder Anfrage wird im Handler geprüft; ungültige Anfragen werden abgewiesen.",
            "Le jeton est vérifié par le handler pour chaque requête; sinon 401.",
            "La firma de cada solicitud se valida en el handler; si falla, 401.",
            "De handtekening van elk verzoek wordt gecontroleerd; anders 401.",
        ] {
            let valid = dress(vec![r.to_owned()], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
    }
}

/// A check by a job apart from the request, of one class of requests, of a credential's
/// length, with a key set from wherever the token says, of a credential in a public example,
/// or accepting failed credentials, beside neighbours that check every request.
const APART_OR_LOOSE: &[(&str, &str)] = &[
    (
        "keys get checked by the nightly audit job, not per request",
        "keys get checked by the handler on every request; unknown keys get 401",
    ),
    (
        "the token is validated only for write operations; reads go straight to Bedrock",
        "the token is validated for reads and writes; failures get 401",
    ),
    (
        "a password is required, but the handler accepts any password longer than 8 characters",
        "a password is required, and the handler compares it with its bcrypt hash; 401 otherwise",
    ),
    (
        "tokens are verified against a JWKS we download from whatever URL the iss claim points to",
        "tokens are verified against the JWKS we download from our own IdP at startup; failures get 401",
    ),
    (
        "we authenticate callers with a static API key that is also in the public OpenAPI example",
        "we authenticate callers with per-partner API keys; the public OpenAPI example shows none of them, and unknown keys get 401",
    ),
    (
        "the handler requires a token but accepts expired ones indefinitely",
        "the handler requires a token and rejects expired ones with 401",
    ),
    (
        "signature verification is done by the Stripe SDK on Stripe's side",
        "signature verification is done by the handler with the Stripe SDK; failures get 400",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A secret taken from the token it verifies, a comparison with any value, and a class of
    /// callers (servers beside browsers) that needs nothing are refused; the same words with a
    /// kept secret, a fixed value and every class checked pass.
    #[test]
    fn a_secret_from_the_token_any_value_or_an_unchecked_class_is_refused(seed in any::<u64>()) {
        for (bad, valid) in [
            (
                "we verify the JWT's signature using the secret from the token's payload",
                "we verify the JWT's signature using the secret from Secrets Manager; failures get 401",
            ),
            (
                "bearer tokens are compared to the string Bearer followed by any value",
                "bearer tokens are compared in constant time with the stored token; mismatches get 401",
            ),
            (
                "a JWT is required from browsers; server-to-server calls need nothing",
                "a JWT is required from browsers and servers alike; failures get 401",
            ),
        ] {
            let reason = dress(vec![bad.to_owned()], seed);
            prop_assert!(judge(&reason).is_err(), "{}", reason);
            let valid = dress(vec![valid.to_owned()], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Each reason that takes its check back (made elsewhere or later, of a share or a class,
    /// by form, with a key the request chooses, of a credential everyone has) is refused, and
    /// its neighbour in the same words passes.
    #[test]
    fn a_check_taken_back_is_refused_and_its_neighbour_passes(
        f in prop::sample::select(
            [ELSEWHERE_OR_LATER, TAKEN_BACK, APART_OR_LOOSE, NO_PROOF].concat()
        ),
        // A mechanism told with its own check (`a password checked against a salted hash`)
        // is checked whatever the frame says of it: the frames need one that is not.
        m in prop::sample::select(
            MECHANISMS.iter().copied().filter(|m| !m.contains("checked")).collect::<Vec<_>>()
        ),
        seed in any::<u64>()
    ) {
        let reason = dress(vec![f.0.replace("{m}", m)], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![f.1.replace("{m}", m)], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// Engineers' abbreviations name the mechanism (`sig`, `cert`, `creds`), and open data is
    /// public data.
    #[test]
    fn abbreviations_and_open_data_are_read(seed in any::<u64>()) {
        for r in [
            "the webhook sig is checked with the signing secret; throws -> 400",
            "basic auth creds are compared with bcrypt hashes, 401 otherwise",
            "open data: the EV charger map we publish under CC-BY",
        ] {
            let valid = dress(vec![r.to_owned()], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A failure of anything on the request's path — the check itself, a store, a model,
    /// whatever failed — that lets the request on fails open; the same failure refused passes.
    #[test]
    fn any_failure_that_serves_fails_open_and_one_refused_passes(
        m in prop::sample::select(MECHANISMS),
        condition in prop::sample::select(vec!["if", "when", "on"]),
        failure in prop::sample::select(vec![
            "the check throws",
            "a DynamoDB error",
            "Redis is unreachable",
            "an exception",
            "the lookup times out",
            "the auth service returns 5xx",
            "the database is down",
        ]),
        served in prop::sample::select(vec![
            "we allow the call",
            "the request goes through anyway",
            "we log it and continue",
            "we just continue and answer the prompt",
            "we serve it anyway",
            "the call proceeds",
        ]),
        upstream in prop::sample::select(vec![
            "Bedrock times out",
            "the model is unavailable",
            "the upstream model errors",
            "Claude returns an error",
        ]),
        fallback in prop::sample::select(vec![
            "we answer from the cache",
            "we continue with a smaller model",
            "the call proceeds on the fallback region",
            "we serve the last cached answer",
        ]),
        refused in prop::sample::select(vec![
            "we return 503 and serve nothing",
            "we answer 401",
            "the request is rejected",
            "the call fails with 503",
        ]),
        seed in any::<u64>()
    ) {
        let frame = format!("the function checks {m} on every request");
        let bad = dress(vec![frame.clone(), format!("{condition} {failure} {served}")], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![frame.clone(), format!("{condition} {failure} {refused}")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        // The model failing is no check failing: what the check let in is answered otherwise.
        let model = dress(vec![frame, format!("{condition} {upstream} {fallback}")], seed);
        prop_assert_eq!(judge(&model), Ok(()), "{}", model);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// An identifier names a caller and proves nothing: a reason that only looks callers up or
    /// identifies them by an ID is refused; the same look-up beside a verified credential passes.
    #[test]
    fn a_caller_known_only_by_an_identifier_is_refused_and_one_verified_passes(
        who in prop::sample::select(vec!["partner", "tenant", "client", "customer", "device"]),
        id in prop::sample::select(vec!["the `X-{W}-Id` header", "its {w} id", "the {w}_id query parameter", "the ID in the path"]),
        frame in prop::sample::select(vec![
            "each {w} has a key; the handler looks up the {w} by {id} and serves it",
            "{w}s are identified by {id} and served their own data",
            "the function looks up the {w}'s quota by {id}",
        ]),
        seed in any::<u64>()
    ) {
        let cap = format!("{}{}", who[..1].to_uppercase(), &who[1..]);
        let id = id.replace("{W}", &cap).replace("{w}", who);
        let bad = frame.replace("{id}", &id).replace("{w}", who);
        let reason = dress(vec![bad.clone()], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![bad, format!("the {who}'s key is verified against its stored hash and a mismatch gets 401")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Signing in to an app protects the app, not a `NONE` URL's requests: refused unless the
    /// function verifies the sign-in's token itself.
    #[test]
    fn a_sign_in_to_the_app_is_refused_and_one_the_function_verifies_passes(
        idp in prop::sample::select(vec!["Cognito", "Okta", "Auth0", "Entra ID", "Google"]),
        frame in prop::sample::select(vec![
            "{idp} protects the endpoint: users must sign in to the app before they can see the URL",
            "only people logged in through {idp} get the link",
            "the portal requires a {idp} login before it shows the URL",
        ]),
        seed in any::<u64>()
    ) {
        let bad = frame.replace("{idp}", idp);
        let reason = dress(vec![bad.clone()], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![bad, format!("the handler verifies the {idp} access token on every request and answers 401 otherwise")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// TLS client authentication in its names and spellings.
const CLIENT_TLS: &[&str] = &[
    "mTLS",
    "mutual TLS",
    "two-way TLS",
    "TLS client authentication",
    "client certificates",
    "X.509 client certs",
    "a client certificate from our private CA",
    "device certificates signed by our internal CA",
];

/// Where a reason says the client certificate is checked: the handler (which Lambda hands
/// none), the URL (which asks for none), a header something in front fills (which the caller
/// of the URL fills as they like), a truststore.
const CLIENT_TLS_FRAMES: &[&str] = &[
    "callers authenticate with {t}; the handler rejects requests without a valid one",
    "{t} required for every call",
    "the function URL requires {t} and refuses the rest with 403",
    "the handler checks {t} forwarded in the X-Amzn-Mtls-Clientcert header and answers 403 otherwise",
    "every request must present {t}, validated against the truststore in S3",
    "only partners holding {t} can connect, and the handler pins their fingerprints",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A Function URL neither asks for a client certificate nor hands the handler one (Lambda
    /// sets `requestContext.authentication` to null), and one copied into a header is public:
    /// mTLS authenticates no caller of the URL. Beside a mechanism the handler checks, a word
    /// about mTLS — wished for, absent or unchecked — takes nothing away.
    #[test]
    fn client_tls_is_no_mechanism_of_a_function_url(
        t in prop::sample::select(CLIENT_TLS),
        frame in prop::sample::select(CLIENT_TLS_FRAMES),
        m in prop::sample::select(MECHANISMS),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![frame.replace("{t}", t)], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        for beside in [
            format!("there is no {t} here (a Function URL cannot ask for it); the handler verifies {m} on every request and answers 401 otherwise"),
            format!("the handler verifies {m} on every request; {t} is not checked, as Function URLs do not support it"),
            format!("each partner signs the request body with the private key behind {t}, and the handler verifies that signature with the registered public key"),
        ] {
            let valid = dress(vec![beside], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A credential named for its holder (`a client token`, `a device key`) is what the
    /// function checks, not a check by the holder; the holder checking is refused.
    #[test]
    fn a_credential_named_for_its_holder_is_no_checker(
        holder in prop::sample::select(vec!["client", "device", "mobile", "browser"]),
        noun in prop::sample::select(vec!["token", "key", "password"]),
        seed in any::<u64>()
    ) {
        let valid = dress(vec![format!("every request is authenticated by a {holder} {noun}, compared with the stored hash; 401 otherwise")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        let bad = dress(vec![format!("every request is authenticated by the {holder}")], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A credential's value quoted after its noun is published by the reason; its name, a path
    /// or a placeholder quoted there is not.
    #[test]
    fn a_credential_value_quoted_in_the_reason_is_refused_and_its_name_passes(
        noun in prop::sample::select(vec!["secret", "password", "key", "token", "passphrase"]),
        value in "[a-z]{3,6}[0-9]{1,3}[a-z]{0,4}-?[a-z0-9]{2,8}",
        named in prop::sample::select(vec!["JWT_SECRET", "prod/api-key", "DB_PASSWORD_ARN"]),
        seed in any::<u64>()
    ) {
        let frame = |v: &str| format!("requests are verified with the HS256 {noun} `{v}` and get 401 otherwise");
        let bad = dress(vec![frame(&value)], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![frame(named)], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// Where a signing key is made from what every caller can read.
const PUBLIC_SOURCES: &[&str] = &[
    "the request timestamp",
    "the partner's company name",
    "the URL path",
    "the customer ID",
    "the caller's email address",
];
/// Where a signing key is made from a secret.
const SECRET_SOURCES: &[&str] = &[
    "a master key in KMS and the partner ID",
    "a random seed kept in Secrets Manager",
    "the partner's private key",
    "a secret from Secrets Manager and the customer ID",
];
/// How a key is made from its source.
const KEY_FRAMES: &[&str] = &[
    "requests are signed with a key we derive from {src}, and the handler checks that signature",
    "the HMAC key is computed from {src}; the handler verifies the signature on every call",
    "the signing key is the SHA-256 of {src}, and the handler compares signatures",
    "API keys are generated from {src} and checked on every request",
];
/// Hedges before the check they qualify.
const HEDGED_CHECKS: &[&str] = &[
    "the API key is probably checked by the handler",
    "I believe the JWT gets verified somewhere upstream",
    "the handler is supposed to verify the HMAC signature",
    "token validation is presumably done by the shared middleware",
    "the bearer token is likely validated in the handler",
    "das Token wird wahrscheinlich im Handler geprüft",
];
/// API gateways, meshes and access proxies by product.
const PRODUCTS: &[&str] = &[
    "Apigee", "Kong", "Tyk", "Traefik", "Istio", "Zscaler", "Pomerium",
];
/// Valid reasons worded with what other rules refuse: a permission answered by a refusal, a
/// mechanism replaced, a subject that is no credential, a way around that does not exist,
/// best effort of something else, a demo place among others, a failure's duration, a risk
/// that is latency, a refusal of the unsigned.
const NEIGHBOURS: &[&str] = &[
    "{m} is checked on every request, debug or not, and the handler answers 401 without one",
    "no mTLS here (Function URLs cannot terminate it); instead each request carries {m}, which the handler verifies",
    "the path segment is random, but it is not the credential: the handler requires {m}",
    "the handler verifies {m}: there is no flag, header or query parameter that skips it",
    "caching of lookups is best-effort, but {m} is verified on every request and failures get 401",
    "for the demo environment and production alike, the handler verifies {m}",
    "if the key store is temporarily unavailable, requests are rejected; otherwise {m} is verified",
    "the handler verifies {m}; the accepted risk is only the cold-start latency",
    "the handler verifies {m}; unsigned requests are not processed, they are rejected with 401",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A key made from what callers know signs what anyone can sign; one made from a secret
    /// is a secret.
    #[test]
    fn a_key_made_from_what_callers_know_is_refused_and_one_made_from_a_secret_passes(
        frame in prop::sample::select(KEY_FRAMES),
        public in prop::sample::select(PUBLIC_SOURCES),
        secret in prop::sample::select(SECRET_SOURCES),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![frame.replace("{src}", public)], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Negation), "{}", bad);
        let valid = dress(vec![frame.replace("{src}", secret)], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A check told as a guess is no fact; a guess about something else beside a check is.
    #[test]
    fn a_check_told_as_a_guess_is_refused_and_a_guess_about_something_else_passes(
        h in prop::sample::select(HEDGED_CHECKS),
        m in prop::sample::select(MECHANISMS),
        guess in prop::sample::select(vec!["we think", "we believe", "probably", "presumably"]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![h.to_owned()], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![
            format!("the handler verifies {m} on every request and answers 401 otherwise"),
            format!("{guess} the cost is negligible because results are cached for an hour"),
        ], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A check made when the caller sends the credential serves those who send none; one
    /// that refuses them too is a check.
    #[test]
    fn a_check_made_if_the_caller_sends_the_credential_is_refused(
        m in prop::sample::select(MECHANISMS),
        cond in prop::sample::select(vec!["if the caller supplies", "when a client sends", "whenever a partner includes"]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("{cond} {m}, the handler validates it")], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Negation), "{}", bad);
        let valid = dress(vec![format!("{cond} {m}, the handler validates it"), "requests without one get 401".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A requirement still to come is a deferral; a refusal said in the future is the rule.
    #[test]
    fn a_requirement_still_to_come_is_a_deferral(
        m in prop::sample::select(MECHANISMS),
        future in prop::sample::select(vec!["callers will need {m}", "{m} will be required", "{m} will be mandatory", "every partner will need {m}"]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![future.replace("{m}", m)], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Deferral), "{}", bad);
        let valid = dress(vec![format!("{m} is verified on every request"), "requests that fail will be rejected with 401".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// An API gateway, mesh or access proxy is not on a `NONE` URL's path; one that forwards
    /// to a handler that checks itself is no reason's basis, and no harm.
    #[test]
    fn a_check_by_a_gateway_product_is_refused(
        p in prop::sample::select(PRODUCTS),
        m in prop::sample::select(MECHANISMS),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("{m} is verified by {p}")], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![format!("{p} forwards partner traffic here, but the handler itself verifies {m} on every request")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// Valid reasons worded with what other rules refuse stay valid, whatever the mechanism.
    #[test]
    fn valid_reasons_worded_like_refused_ones_pass(
        frame in prop::sample::select(NEIGHBOURS),
        m in prop::sample::select(MECHANISMS),
        seed in any::<u64>()
    ) {
        let valid = dress(vec![frame.replace("{m}", m)], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// Unsigned tokens accepted (`alg: none`, also split at its colon), a class picked out by
    /// a negated relative clause past its auxiliary and served, and a check a pronoun says is
    /// off are refused.
    #[test]
    fn a_check_some_callers_skip_is_refused(
        m in prop::sample::select(MECHANISMS),
        frame in prop::sample::select(vec![
            "{m} is checked, and JWTs are accepted with `alg: none` from internal tools",
            "{m} is verified for tenants that opted in; tenants that have not opted in are served without it",
            "{m} verification broke during the rotation, so it's turned off while we sort it out",
        ]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![frame.replace("{m}", m)], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
    }

    /// An account written as `user:password` is published by the reason; a colon in a
    /// condition key, a host's port, a digest or a region is no account.
    #[test]
    fn an_account_written_in_the_reason_is_refused(
        // A user name of its own: letters glued to digits are no word the judge reads (`svc_sin`
        // would be Spanish's `without`, `svc_jku` a JWS header, `mai-aa0` Italian's `never`
        // beside a name), so each part ends in a digit.
        user in "[a-z]{2,6}[0-9]([_.-][a-z]{2,6}[0-9]{1,3})?",
        password in "[A-Z][a-z]{3,6}[0-9]{2,4}[!#%&*][A-Za-z0-9]{2,4}",
        hex in "[0-9a-f]{64}",
        b64 in "[A-Za-z0-9+]{43}=",
        algorithm in prop::sample::select(vec!["sha256", "sha384", "sha512", "sha3-256", "md5", "blake2b-512"]),
    ) {
        let bad = format!("Basic auth with {user}:{password} checked by the handler.");
        prop_assert_eq!(judge(&bad), Err(Refusal::Negation), "{}", bad);
        for valid in [
            format!("The handler verifies the bearer JWT and compares aws:SourceArn; images are pinned by sha256:{hex}."),
            format!("The handler verifies each request's HMAC signature; the bundle's digest is {algorithm}:{b64}."),
            format!("Basic auth as {user}:<password from Secrets Manager>, checked by the handler; the cache listens on localhost:8080."),
            "The API key is checked against region:us-west-2 keys in Secrets Manager; 401 otherwise.".to_owned(),
        ] {
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
    }
}

proptest! {
    /// A name says nothing of time: an identifier made of any words, those that mark an
    /// unfinished state included (`svc_wip`, `jobs_todo_dlq`), defers nothing; the same word
    /// as prose still does.
    #[test]
    fn an_unfinished_word_inside_an_identifier_defers_nothing(
        parts in prop::collection::vec(
            // Letters glued to digits are no word the judge reads.
            prop_oneof!["[a-z]{2,6}[0-9]{1,2}", prop::sample::select(UNFINISHED).prop_map(str::to_owned)],
            2..4,
        ),
        marker in prop::sample::select(UNFINISHED),
        upper in any::<bool>(),
    ) {
        let name = parts.join("_");
        let name = if upper { name.to_uppercase() } else { name };
        let valid = format!("Basic auth as {name}:<password from Secrets Manager>, checked by the handler on every request.");
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        let bad = format!("Basic auth as {name}:<password from Secrets Manager>, checked by the handler on every request ({marker}).");
        prop_assert!(judge(&bad).is_err(), "{}", bad);
    }
}

/// A failure's duration, in any language read, beside a check: not a deferral.
#[test]
fn a_temporary_failure_of_something_is_no_deferral() {
    for valid in [
        "Jede Anfrage braucht ein gültiges JWT; fällt der Schlüsseldienst vorübergehend aus, lehnt der Handler alle Anfragen ab.",
        "Chaque requête doit porter un jeton valide ; si le service de clés est temporairement indisponible, les requêtes sont rejetées.",
        "Every request needs a valid API key; if the key store is temporarily down, the handler answers 503 and 401 to everything.",
    ] {
        assert_eq!(judge(valid), Ok(()), "{valid}");
    }
    for bad in [
        "Die Signaturprüfung ist vorübergehend abgeschaltet.",
        "The API key check is temporarily disabled.",
        "Token verification is temporarily off while the key store is down.",
    ] {
        assert!(judge(bad).is_err(), "{bad}");
    }
}

/// A check under a condition contrary to fact is off.
#[test]
fn a_check_under_a_condition_contrary_to_fact_is_a_deferral() {
    for bad in [
        "The handler would reject unsigned requests if the flag were enabled.",
        "API keys would be checked if AUTH_MODE were set.",
    ] {
        assert_eq!(judge(bad), Err(Refusal::Deferral), "{bad}");
    }
    assert_eq!(
        judge("The handler rejects unsigned requests; if a key were leaked we would rotate it."),
        Ok(())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A check told as a guess in any of its forms (`should be in place`, `as far as I know`,
    /// `we expect the handler to verify`, the other languages' `probably`) is refused; `should`
    /// said of what callers send is judged as a wish, and beside a check it is one's detail.
    #[test]
    fn a_check_told_as_an_expectation_is_refused(
        m in prop::sample::select(MECHANISMS),
        frame in prop::sample::select(vec![
            "verification of {m} should be in place in the handler",
            "as far as I know the handler checks {m}",
            "we expect the handler to verify {m}",
            "{m} is assumed to be validated upstream",
            "{m} est probablement vérifié par le handler",
        ]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![frame.replace("{m}", m)], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![format!("callers should send {m}"), "the handler verifies it on every request and answers 401 otherwise".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A check made if the caller sends the credential, in the other languages read, serves
    /// those who send none; with a refusal beside it, it is a check.
    #[test]
    fn a_check_made_if_present_in_another_language_is_refused(
        (cond, refusal) in prop::sample::select(vec![
            ("Si el cliente envía un token, el handler lo valida", "las solicitudes sin token se rechazan"),
            ("Si le client envoie un jeton, le handler le vérifie", "sinon la réponse est 401"),
            ("Wenn der Client ein Token sendet, prüft der Handler es", "Anfragen ohne Token werden abgelehnt"),
            ("Se il client invia un token, il handler lo verifica", "altrimenti risponde 401"),
            // The passive: a token sent.
            ("Falls ein Token mitgeschickt wird, prüft der Handler ihn", "Anfragen ohne Token werden abgelehnt"),
            ("Si un jeton est envoyé, le handler le vérifie", "sinon la réponse est 401"),
            ("Als er een token wordt meegestuurd, controleert de handler het", "anders volgt 401"),
            ("Se viene inviato un token, il handler lo verifica", "altrimenti risponde 401"),
        ]),
    ) {
        prop_assert_eq!(judge(cond), Err(Refusal::Negation), "{}", cond);
        let valid = format!("{cond}; {refusal}.");
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// A check that applies to no stage, a URL open until an event in another language, a gateway
/// of another cloud, and demo content in a sentence of public data.
#[test]
fn a_check_of_none_an_open_url_and_other_clouds_are_refused_and_demo_content_passes() {
    for bad in [
        "The API key check is enabled in 0 of 3 stages.",
        "Token validation runs in zero environments today.",
        "Open tot de migratie klaar is; daarna API-sleutels.",
        "Offen bis zum Launch, danach API-Schlüssel.",
        "Cloud Armor checks the API key before traffic reaches us.",
        "Azure Front Door validates the JWT for this endpoint.",
    ] {
        assert!(judge(bad).is_err(), "{bad}");
    }
    for valid in [
        "Public data: the function returns the same demo dataset that our docs link to.",
        "No request is served without a valid API key; 0 of last month's rejected calls reached the model.",
    ] {
        assert_eq!(judge(valid), Ok(()), "{valid}");
    }
}

/// An identity provider of another cloud issues what the handler verifies; that cloud's front
/// door checks nothing of a Lambda URL.
#[test]
fn tokens_of_another_clouds_idp_are_verified_by_the_handler() {
    assert_eq!(
        judge(
            "JWT bearer tokens from Azure AD B2C are validated (signature via JWKS, iss, aud, exp, nbf); missing or invalid tokens get 401."
        ),
        Ok(())
    );
}

/// A setting written as a dotted key turned off, an undecided check, an exemption the caller
/// controls and an access proxy by product are refused; a token used once, and a demo stage
/// the check also covers, pass.
#[test]
fn settings_undecided_checks_and_caller_exemptions_are_refused() {
    for bad in [
        "auth.enabled: false in this stack; the handler otherwise checks the API key.",
        "security.require-signature: off, and the handler verifies HMAC otherwise.",
        "Requests are signed, but we haven't decided whether to verify them.",
        "The handler returns 403 for unknown keys, unless the X-Internal header is set.",
        "Tokens are verified, unless the debug query parameter is present.",
        "PingAccess protects the URL and validates the session.",
    ] {
        assert!(judge(bad).is_err(), "{bad}");
    }
    for valid in [
        "Before any Bedrock call, the handler verifies the caller's JWT; after that, the token is not used again.",
        "Even in the demo stage the partner's signature is verified; there is no unauthenticated mode.",
        "The handler returns 401 unless the Authorization header holds a valid token from our IdP.",
        "auth.enabled: true in every stack; the handler checks the API key and answers 401 without one.",
    ] {
        assert_eq!(judge(valid), Ok(()), "{valid}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Open until work is finished is a deferral, whatever the work; `demo` qualifying a
    /// noun beside a check names a thing, and a clause saying the URL uses no AWS credentials
    /// negates no check of the handler's.
    #[test]
    fn open_until_work_is_finished_is_a_deferral_and_demo_things_pass(
        work in prop::sample::select(vec!["the Cognito integration", "the partner portal", "the key service", "SSO"]),
        state in prop::sample::select(vec!["is done", "is finished", "is ready", "is configured", "is live", "gets integrated"]),
        open in prop::sample::select(vec!["Public", "Open", "No auth", "Unauthenticated"]),
        noun in prop::sample::select(vec!["UI", "tenant", "frontend", "dataset", "users"]),
        m in prop::sample::select(MECHANISMS),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("{open} until {work} {state}")], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![format!("the demo {noun} calls this URL with {m}, which the handler verifies like any other")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        let aws = format!("Temporary AWS credentials are not used here: callers present {m}, checked on every request.");
        prop_assert_eq!(judge(&aws), Ok(()), "{}", aws);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A hedge closing a sentence that checks makes the check a guess; a hedge about
    /// something else, in a clause of its own words, does not.
    #[test]
    fn a_hedge_after_the_check_is_refused(
        m in prop::sample::select(MECHANISMS),
        hedge in prop::sample::select(vec!["I think", "to the best of my knowledge", "AFAIK", "I'm fairly sure", "if memory serves", "probably"]),
    ) {
        let bad = format!("The handler checks {m}, {hedge}.");
        prop_assert_eq!(judge(&bad), Err(Refusal::Hedge), "{}", bad);
        let valid = format!("The handler checks {m} and answers 401 otherwise; {hedge} the OWASP cheat sheet recommends the same.");
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A value in plain quotes after a credential's noun is the credential, published; a
    /// header's, a variable's or a claim's name there is not.
    #[test]
    fn a_credential_in_plain_quotes_is_refused_and_a_name_in_quotes_passes(
        value in "[a-z]{4,9}[0-9]{0,3}",
        q in prop::sample::select(vec![('\'', '\''), ('"', '"'), ('\u{2018}', '\u{2019}')]),
        name in prop::sample::select(vec!["X-Api-Key", "x-api-key", "API_KEY", "Authorization", "scope"]),
    ) {
        prop_assume!(!["token", "tokens", "check", "checks", "auth", "authn", "authz", "keys", "login", "scope", "email", "roles", "groups", "claim", "claims", "tenant", "bearer", "session", "cookie", "signed", "signing", "security"].contains(&value.as_str()));
        let (o, c) = q;
        let bad = format!("The shared secret is the string {o}{value}{c} and the handler compares it.");
        prop_assert_eq!(judge(&bad), Err(Refusal::Negation), "{}", bad);
        let valid = format!("The handler reads the key from the {o}{name}{c} header and compares it with the hash in DynamoDB; 401 otherwise.");
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// A check under a setting's value the stack sets otherwise, a trigger as the checker, a check
/// in report mode, presence in French and the Spanish `probably` are refused; `nothing about
/// this endpoint is temporary` denies the marker.
#[test]
fn conditions_set_otherwise_triggers_and_report_modes_are_refused() {
    for bad in [
        "When PROD=1 the key is enforced; this stack sets PROD=0.",
        "If MODE=strict the JWT is verified; here MODE=lenient.",
        "Callers are authenticated by the Cognito pre-token-generation trigger.",
        "Signatures are verified in report mode only: mismatches are counted, requests proceed.",
        "Si un jeton est présent, il est vérifié.",
        "El token probablemente se valida en el handler.",
        "api key required (value: `pk_live_demo_123`, same for all tenants)",
        "Partners send a token (value: `tok9f2a81c7`) that the handler compares.",
    ] {
        assert!(judge(bad).is_err(), "{bad}");
    }
    for valid in [
        "Nothing about this endpoint is temporary: the HMAC check has been live for two years.",
        "When PROD=1 the key is enforced, and every stack sets PROD=1; 401 without a key.",
        "The Cognito pre-token-generation trigger adds a tenant claim, and the handler verifies the access token's signature and that claim on every request.",
    ] {
        assert_eq!(judge(valid), Ok(()), "{valid}");
    }
}

/// The other languages' `pending` beside their word for authentication defers it; what a
/// named thing is not (`a CAPTCHA is not authentication`) negates nothing, while the URL or a
/// pronoun for it that is not authenticated does.
#[test]
fn foreign_pending_defers_and_a_thing_that_is_not_auth_negates_nothing() {
    for bad in [
        "Autenticação pendente até a assinatura do contrato.",
        "Authentifizierung ausstehend, bis der Partner fertig ist.",
        "The endpoint is not authentication-protected; the API key is only logged.",
        "It is not auth: the handler just forwards the key.",
    ] {
        assert!(judge(bad).is_err(), "{bad}");
    }
    assert_eq!(
        judge(
            "A CAPTCHA is not authentication, so besides it every request needs a valid session cookie, checked by the handler."
        ),
        Ok(())
    );
}

/// Credentials in the plural, as a form check names them.
const CREDENTIAL_PLURALS: &[&str] = &["API keys", "keys", "tokens", "license keys", "partner keys"];

/// What a check of a credential's shape looks at.
const FORMS: &[&str] = &[
    "Luhn checksum digit",
    "checksum",
    "pattern sk_live_ followed by 32 hex characters",
    "regex in the config",
    "length and character set",
    "format",
    "prefix",
];

/// Claims a JWT carries, which anyone writing one sets.
const CLAIMS: &[&str] = &["exp", "aud", "iss", "role", "scope", "sub"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A check of a credential's shape only lets anyone in who writes one of that shape; one
    /// that also compares it with what the function keeps is a check.
    #[test]
    fn a_check_of_a_credentials_form_only_is_refused(
        cred in prop::sample::select(CREDENTIAL_PLURALS),
        form in prop::sample::select(FORMS),
        frame in prop::sample::select(&[
            "{c} are validated by their {f}",
            "{c} are validated against the {f}, and requests failing it get 401",
            "the handler checks the {f} of the {c} on every request",
            "{c} are checked for their {f} before any work is done",
        ][..]),
        seed in any::<u64>()
    ) {
        let bad = frame.replace("{c}", cred).replace("{f}", form);
        let reason = dress(vec![bad.clone()], seed);
        prop_assert_eq!(judge(&reason), Err(Refusal::Negation), "{}", reason);
        for beside in [
            format!("{bad}; then the handler compares them with the stored hashes and answers 401 on a mismatch"),
            format!("{bad}, and the handler verifies each against the keys issued in DynamoDB"),
        ] {
            let valid = dress(vec![beside], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
    }

    /// A JWT decoded and its claims read, with nothing verifying its signature, lets in
    /// whoever writes the claims; verified against a key, it is a check.
    #[test]
    fn a_token_decoded_without_its_signature_is_refused(
        claim in prop::sample::select(CLAIMS),
        tok in prop::sample::select(&["JWT", "token", "bearer token", "ID token"][..]),
        verb in prop::sample::select(&["decodes", "base64-decodes", "parses"][..]),
        frame in prop::sample::select(&[
            "the handler {v} the {t} and checks that its {c} claim is valid",
            "the handler {v} the {t} and allows the request when its {c} claim is right",
            "we {v} the {t} and reject it with 401 unless the {c} claim matches",
        ][..]),
        seed in any::<u64>()
    ) {
        let bad = frame.replace("{v}", verb).replace("{t}", tok).replace("{c}", claim);
        let reason = dress(vec![bad.clone()], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![bad, "the signature is verified first against our JWKS".to_owned()], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A key that is an identifier (an e-mail address, a domain, a name, an ID) is known to
    /// anyone who knows whom it names, and an empty or dummy key to everyone; a random key
    /// stored beside the identifier, or a refusal of empty keys, is a check.
    #[test]
    fn a_key_that_is_an_identifier_or_empty_is_refused(
        key in prop::sample::select(&["key", "API key", "password", "token", "secret"][..]),
        id in prop::sample::select(&[
            "their e-mail address", "its company domain name", "the tenant ID",
            "the customer's phone number", "the partner's username", "the account's name",
        ][..]),
        empty in prop::sample::select(&["empty", "blank", "dummy"][..]),
        drawn in prop::sample::select(&["an opaque session", "a random session", "an unguessable", "the session"][..]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![
            "the handler verifies the key of every request".to_owned(),
            format!("each customer's {key} is {id}"),
        ], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Negation), "{}", bad);
        let bad = dress(vec![format!("the HMAC is verified with an {empty} {key} until the partner sends theirs")], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![
            "the handler verifies the key of every request".to_owned(),
            format!("each customer's {key} is a random 256-bit value, stored as a hash beside {id}"),
        ], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        let valid = dress(vec![format!("the handler verifies the HMAC of every request, and requests signed with an {empty} {key} are rejected")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        // An ID drawn at random and looked up is the credential itself.
        let valid = dress(vec![format!("the bearer {key} is {drawn} ID, looked up in ElastiCache on each request; unknown IDs get 401")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A component in front named by its possessive checks nothing of the URL's callers:
    /// `the ALB's OIDC action`.
    #[test]
    fn a_check_by_a_front_component_named_in_the_possessive_is_refused(
        front in prop::sample::select(&["ALB", "load balancer", "CloudFront distribution", "gateway", "proxy"][..]),
        what in prop::sample::select(&["OIDC action", "JWT authorizer", "token check", "Cognito integration"][..]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("users are authenticated by the {front}'s {what} before requests reach the function")], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A key public by design (Stripe's publishable key, Supabase's anon key, Firebase's web
    /// API key) ships in every client and authenticates no one; named beside a credential
    /// the handler verifies, it takes nothing away.
    #[test]
    fn a_key_public_by_design_is_no_mechanism(
        key in prop::sample::select(&["Stripe publishable key", "publishable key", "Supabase anon key", "anon key", "Firebase web API key", "web API key"][..]),
        m in prop::sample::select(MECHANISMS),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("callers must send our {key}, which the handler compares")], seed);
        prop_assert!(judge(&bad).is_err(), "{}", bad);
        let valid = dress(vec![format!("the handler verifies {m} on every request, and the {key} alone gets 401")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A failed check met only by a warning still serves the request; one that also refuses
    /// it is a check.
    #[test]
    fn a_failure_met_only_by_a_warning_is_refused(
        m in prop::sample::select(MECHANISMS),
        failure in prop::sample::select(&["on failure", "on a mismatch", "when it is invalid", "if the check fails"][..]),
        warn in prop::sample::select(&["we add a warning header to the response", "the handler logs a warning", "the response carries a warning"][..]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("{m} is validated"), format!("{failure} {warn}")], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Negation), "{}", bad);
        let valid = dress(vec![format!("{m} is validated"), format!("{failure} {warn} and answers 401")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Markers in senses that defer nothing: an app named for to-do lists, before an event
    /// and after it alike, a period a public content covers; and a check that starts once
    /// a flag or version is rolled out or released is a deferral.
    #[test]
    fn markers_naming_things_or_all_times_defer_nothing_and_a_rollout_still_to_come_does(
        m in prop::sample::select(MECHANISMS),
        thing in prop::sample::select(&["app", "list app", "application", "tracker"][..]),
        event in prop::sample::select(&["launch", "the release", "the migration", "GA"][..]),
        content in prop::sample::select(&["holiday calendar", "timetable", "price list", "schedule"][..]),
        period in prop::sample::select(&["year", "month", "quarter", "week"][..]),
        done in prop::sample::select(&["rolled out", "released", "approved", "published"][..]),
        flag in prop::sample::select(&["the auth-v2 feature flag", "version 2 of the handler", "the new middleware"][..]),
        seed in any::<u64>()
    ) {
        for valid in [
            format!("backend of the TODO {thing}: {m} is verified by the handler on every request"),
            format!("before {event} and after it alike, the handler rejects requests without {m}"),
            format!("the function returns only the public {content} for next {period}"),
        ] {
            let valid = dress(vec![valid], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
        let bad = dress(vec![format!("{m} is checked once {flag} is {done}")], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Deferral), "{}", bad);
        let bad = dress(vec![format!("{m} verification is on the TODO list")], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Deferral), "{}", bad);
    }

    /// The future of putting a check in place in Spanish, French, Italian and Portuguese
    /// defers it.
    #[test]
    fn a_foreign_future_of_adding_the_check_is_a_deferral(
        verb in prop::sample::select(&["añadirá", "agregará", "implementará", "activará", "habilitará", "ajoutera", "activera", "aggiungerà", "attiverà", "adicionará", "ativará"][..]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("se {verb} la autenticación con el token cuando el cliente firme el contrato")], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Deferral), "{}", bad);
    }

    /// An order of the work (`decoded only after its signature is verified`), a caller's
    /// credential as the subject (`every caller's API key is checked`), the keys' upkeep in
    /// a clause of the check's own sentence, the public thing a URL serves and a base64
    /// value holding a marker's letters are no gap.
    #[test]
    fn orders_holders_upkeep_served_public_things_and_base64_values_are_no_gap(
        holder in prop::sample::select(&["caller's", "partner's", "client's", "tenant's"][..]),
        upkeep in prop::sample::select(&["its rotation is temporarily manual", "rotating the secret is a TODO", "the key list moves to DynamoDB later"][..]),
        thing in prop::sample::select(&["CRL of our internal CA", "API documentation", "PGP key", "release notes feed", "timetable"][..]),
        marker in prop::sample::select(&["tbc", "todo", "wip", "tbd", "later"][..]),
        b64 in "[A-Za-z0-9]{12}[+/][A-Za-z0-9]{12}",
        seed in any::<u64>()
    ) {
        for valid in [
            "JWTs are decoded only after their signature is verified with the JWKS; then the role claim is checked".to_owned(),
            format!("every {holder} API key is checked against the hashed keys in DynamoDB"),
            format!("the handler checks the HMAC with the secret from Secrets Manager; {upkeep}, which does not affect the check"),
            format!("it serves the public {thing}"),
        ] {
            let valid = dress(vec![valid], seed);
            prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
        }
        let digest = format!("The handler verifies each request's HMAC signature; the bundle's digest is sha256:{b64}+{marker}+{b64}=.");
        prop_assert_eq!(judge(&digest), Ok(()), "{}", digest);
    }
}

/// A check commented out or switched off, in German and Dutch, negates it; public content
/// by definition or nature is public data.
#[test]
fn a_check_commented_out_abroad_is_refused_and_public_by_definition_passes() {
    for bad in [
        "Die Token-Prüfung ist im Code auskommentiert.",
        "Die Signaturprüfung ist abgestellt.",
        "De controle van de handtekening is uitgecommentarieerd.",
    ] {
        assert!(judge(bad).is_err(), "{bad}");
    }
    for valid in [
        "Serves the robots.txt and sitemap of the marketing site, both public by definition.",
        "The response is the list of our office addresses, public by nature.",
    ] {
        assert_eq!(judge(valid), Ok(()), "{valid}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A check made by what a relative clause names from the clause before (`cached by
    /// CloudFront, which requires signed cookies`) is made off the URL's path; beside the
    /// handler's own check it is no gap.
    #[test]
    fn a_check_by_what_a_relative_clause_names_is_refused(
        m in prop::sample::select(MECHANISMS),
        what in prop::sample::select(&["responses are cached", "requests are routed", "traffic is served"][..]),
        front in prop::sample::select(&["CloudFront", "the ALB", "the API gateway", "Akamai", "the WAF"][..]),
        verb in prop::sample::select(&["requires", "validates", "checks"][..]),
        seed in any::<u64>()
    ) {
        let bad = format!("all {what} by {front}, which {verb} {m}");
        let reason = dress(vec![bad.clone()], seed);
        prop_assert!(judge(&reason).is_err(), "{}", reason);
        let valid = dress(vec![bad, format!("{m} is checked by the handler")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }

    /// A signature only made, by the caller or its SDK, where nothing is said to verify it,
    /// authenticates no one; verified by the handler, it does.
    #[test]
    fn a_signature_only_made_is_refused_and_one_verified_passes(
        signer in prop::sample::select(&["our client SDK", "the mobile app", "the partner's backend", "every caller"][..]),
        after in prop::sample::select(&["so the URL is safe", "which protects the endpoint", "with a per-partner secret"][..]),
        seed in any::<u64>()
    ) {
        let bad = dress(vec![format!("{signer} signs every request, {after}")], seed);
        prop_assert_eq!(judge(&bad), Err(Refusal::Negation), "{}", bad);
        let valid = dress(vec![format!("{signer} signs every request, and the handler verifies the signature with the shared secret")], seed);
        prop_assert_eq!(judge(&valid), Ok(()), "{}", valid);
    }
}

/// A refusal in the other languages read refuses those a condition names; negated, it lets
/// them through.
#[test]
fn a_refusal_abroad_refuses_and_its_negation_lets_through() {
    for (refused, let_through) in [
        (
            "Jede Anfrage ohne gültiges Token wird abgewiesen.",
            "Anfragen ohne Token werden nicht abgewiesen.",
        ),
        (
            "Les requêtes sans jeton valide sont rejetées.",
            "Les requêtes sans jeton ne sont pas rejetées.",
        ),
        (
            "Las peticiones sin token válido se rechazan.",
            "Las peticiones sin token no se rechazan.",
        ),
        (
            "Verzoeken zonder geldig token worden afgewezen.",
            "Verzoeken zonder token worden niet afgewezen.",
        ),
    ] {
        assert_eq!(judge(refused), Ok(()), "{refused}");
        assert_eq!(judge(let_through), Err(Refusal::Negation), "{let_through}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A condition clause of the credential's absence says whom the refusal after it is of
    /// (`if a token is missing, the handler answers 401`): the check stands. Followed by
    /// serving the request, the absence is let through.
    #[test]
    fn a_credentials_absence_as_the_condition_of_a_refusal_is_the_check(
        (credential, check) in prop::sample::select(vec![
            ("token", "The handler compares the bearer token with the secret in Secrets Manager"),
            ("signature", "The handler verifies the HMAC-SHA256 signature with the shared secret from Secrets Manager"),
            ("API key", "The function checks the x-api-key header against the key stored in Secrets Manager"),
        ]),
        when in prop::sample::select(vec!["if", "when", "whenever"]),
        absent in prop::sample::select(vec!["missing", "absent", "omitted"]),
        article in prop::sample::select(vec!["a", "the"]),
        refused in prop::sample::select(vec![
            "the handler answers 401",
            "it answers 401 Unauthorized",
            "the request is rejected",
            "the function returns 403",
        ]),
        served in prop::sample::select(vec![
            "the request is processed anyway",
            "the handler serves it anyway",
            "the request is still accepted",
        ]),
        joint in prop::sample::select(vec!["; ", ". "]),
    ) {
        let opening = |s: &str| format!("{}{}", s[..1].to_uppercase(), &s[1..]);
        let when = if joint == ". " { opening(when) } else { when.to_owned() };
        let reason = format!("{check}{joint}{when} {article} {credential} is {absent}, {refused}.");
        prop_assert_eq!(judge(&reason), Ok(()), "{}", reason);
        let reason = format!("{check}{joint}{when} {article} {credential} is {absent}, {served}.");
        prop_assert!(judge(&reason).is_err(), "{}", reason);
    }
}
