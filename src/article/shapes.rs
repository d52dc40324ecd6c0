//! What single lines of a web page pasted as text look like: metadata, bylines, datelines,
//! captions and credits, boilerplate, numbered section headings, closing author bios.
//!
//! Every outlet lays its pages out differently, but the same few shapes recur; these tests
//! look at one line at a time so that a header pasted without blank lines ("Title" / "By X" /
//! "6 September 2019") is taken apart as well as one with them.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

fn compiled(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant pattern compiles") // ok: constants, tested in this module
}

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

/// ISO dates, "30 Sep, 2018", "September 6, 2019", "Sept. 6 2019", "06/09/2019".
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    compiled(&format!(
        r"(?i)\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)? {MONTH},? \d{{4}}|{MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})\b|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})"
    ))
});

/// A month name with a day or a year next to it, or a relative time ("3 hours ago").
static DATE_ISH: LazyLock<Regex> = LazyLock::new(|| {
    compiled(&format!(
        r"(?i)\b(?:\d{{1,2}} {MONTH}|{MONTH} \d{{1,2}}\b|{MONTH},? \d{{4}}|\d+ (?:min(?:ute)?s?|hours?|days?|weeks?) ago|yesterday|today)"
    ))
});

/// Lines that only say when, how long or how often: "Updated 3 hours ago", "5 min read",
/// "12,400 views", "Published: …", "Last modified …".
static META_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"(?i)^(?:updated|published|posted|first published|last (?:updated|modified)|originally published|date|filed|dated)(?:\s*[:\-–—|·]|\s+(?:\d|[a-z]{3,9}\.? \d|(?:on|at|by|in|from|to|under|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|yesterday|today|this morning|just now|recently)\b)|\s*$)|\b\d+[- ]min(?:ute)?s?\.? read\b|\bread(?:ing)? time\b|^\d[\d,.]*[km]? (?:views|reads)\b",
    )
});

/// "By Jane Doe", "By JANE DOE and John Roe", "By Jane Doe, Senior Fellow".
static BY: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"^(?:[Bb]y|BY|[Ww]ritten by|[Ww]ords by)[:\s]\s*((?:[A-Z][\p{L}'’.-]*|[a-z]{1,3}|and|&)(?:\s+(?:[A-Z][\p{L}'’.-]*|de|van|von|der|da|al|bin|and|&))*)",
    )
});

/// Photo captions and credits: "Photo: …", "(Photo by X/Getty Images)", "… | Reuters". Three
/// patterns rather than one alternation: the two that end the line are tried only on its
/// end, since one unanchored pattern scanned every paragraph whole (a twentieth of a batch).
static CAPTION_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"(?i)^(?:\(?(?:photo|photograph|image|picture|illustration|graphic|video|file photo|top image|header image|credit|photo credit|image credit|source)s?\b\s*(?:by|:|\||–|—|-)|\(?(?:file photo|photo|photograph)\)?\s*$)",
    )
});

/// An agency or picture library closing the line: "… Getty Images", "(Reuters)", "Markus
/// Schreiber/Associated Press". It credits a picture only set off from what comes before it
/// (see [`credit_set_off`]): "…, she told Reuters." is a sentence.
static CAPTION_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"(?i)(?:getty images|shutterstock|ap photo|file photo|afp(?: via getty)?|reuters|bloomberg|alamy|istock|wikimedia commons|unsplash|epa-efe|pti photo|xinhua|the associated press|associated press|ap images|pa images|pa media|pa wire|the canadian press)\)?\s*\.?$",
    )
});

/// The longest match of [`CAPTION_CREDIT`] in bytes: its longest name, each letter counted at
/// the three bytes a case-insensitive match may give it (the Kelvin sign for "k"), and the
/// closing bracket and period.
const CAPTION_CREDIT_BYTES: usize = 20 * 3 + 2;

/// Whether the credit that starts at `at` stands apart from the text before it: alone on its
/// line, or after a slash, a bar, a bracket, a colon, a dash, a full stop or "photo". A name
/// after a verb ("she told Reuters.", "said Bloomberg.") is the end of a sentence.
fn credit_set_off(s: &str, at: usize) -> bool {
    let before = s[..at].trim_end();
    before.is_empty()
        || before.ends_with(['/', '|', '(', ':', '–', '—', '-', '.', '·', '•'])
        || before
            .get(before.len().saturating_sub(5)..)
            .is_some_and(|w| w.eq_ignore_ascii_case("photo"))
}

/// A parenthesis closing the line: "(Photo by X)", "(pictured, left)".
static CAPTION_PAREN: LazyLock<Regex> =
    LazyLock::new(|| compiled(r"(?i)\((?:photo|image|credit|pictured)\b[^)]*\)\s*$"));

/// Navigation and publishing furniture that fills a whole line: "Related", "Advertisement",
/// "Share this article", "Read more: …", "Tags: …".
static NAV_LINE: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"(?i)^(?:more|read more|read also|also read|see also|related(?: articles?| stories| posts| content| reading| coverage)?|recommended(?: for you| reading)?|more from [\p{L} ]+|explore more(?: on (?:these|this) topics?)?|more on (?:these|this) topics?|more on this story|most (?:read|popular|viewed)|trending(?: now)?|latest(?: posts| news| stories| articles| headlines)?|advertisement|sponsored(?: content)?|share(?: this(?: article| story| page| post)?| on (?:facebook|twitter|x|linkedin|whatsapp|email))?|tweet|email|print|save|subscribe|sign up|newsletter|follow (?:us|me)(?: on [\p{L} ]+)?|(?:view |show |hide |read |add |post )?(?:a )?comments?(?: \(\d+\))?|(?:view |show )?\d+ comments?|leave a (?:comment|reply)|tags?|topics?|filed under|(?:article |post )?categories|(?:share|spread) the love|back to top|listen to this article|download(?: pdf| the report)?|skip to (?:main )?content|menu|home)(?:\s*[:|»›→].*[^.!;,])?$",
    )
});

/// Lines that open with a publishing formula: copyright, disclaimers, editor's notes,
/// "This article first appeared …", footnotes ("[1] …").
static BOILERPLATE_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"(?i)^(?:copyright\s*(?:©|\(c\)|\d{4}|by\b|:|\s*$)|©|\(c\) \d{4}|all rights reserved|disclaimer\s*:|disclosure\s*:|(?:opinion |an? )?editor['’]?s['’]? note\s*:|editorials? (?:represents?|reflects?|are|is) (?:the )?(?:views?|opinions?|positions?|consensus)\b|(?:the )?editorial board and the newsroom\b|correction\s*:|clarification\s*:|note\s*:|(?:sign up|subscribe) (?:for (?:our|my|the|free|a free|email|updates|more|weekly|daily|the latest)\b|to (?:our|my|the|get|receive|this)\b|here\b|now\b|today\b)|follow (?:us|me|him|her|them) on\b|click here\b|continue reading(?:\s*(?:below|the (?:main |full )?(?:story|article)|…|\.\.\.|:|→|»)|\s*$)|this (?:article|piece|post|op-ed|column|commentary|essay|story) (?:was|first|originally|is adapted|has been|appeared|appears|is part)|an? (?:earlier |shorter |longer )?version of this (?:article|piece|post|op-ed|column|commentary|essay) |(?:the )?(?:views|opinions) (?:and opinions )?expressed (?:in|here|herein|on|are|by (?:the |our )?(?:author|writer|contributor|columnist|guest writer|blogger)s?)\b|to (?:view|read|access|see) (?:the rest of|the full|all of) (?:this|the) (?:article|story|post|piece|column|editorial)\b|(?:you must|please) (?:log|sign) in to (?:view|read|continue|access|comment)\b|if you (?:do not|don['’]t) (?:already )?have an? (?:account|subscription)\b|already a (?:subscriber|member)\?|this (?:content|article|story) is (?:only )?(?:available|reserved) (?:to|for) (?:subscribers|members)\b|the author(?:s)? (?:has|have|had|declares?|reports?) no\b|do you have an opinion on\b|(?:if you would like|want) to (?:submit|write|send) (?:us )?a letter|letters?\s*:\s*(?:send|write|email)\b|(?:send|email) (?:us )?(?:a letter|your (?:letters|views|thoughts))\b|follow (?:the|our) [a-z ]{1,30} (?:section|desk|page|team)s? on\b|reuse this content|thanks for reading\b|if you (?:liked|enjoyed) this (?:post|article|piece|essay|newsletter|story)|want to write for us\b|want to write\?|register now\b|(?:write an article and )?join (?:our|a growing) community\b|\[\d{1,3}\][ \t]|\^?\d{1,3}\^? (?:see|ibid|op\. cit)\b)",
    )
});

/// "1.", "2. The cost", "II.", "A.", "Part 2", "Section 3: Costs" as a heading line.
static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"^(?:(?:\d{1,2}|[IVXLC]{1,6}|[A-Z])[.)]|(?:Part|Section|Chapter) (?:\d{1,2}|[IVXLC]{1,6}|one|two|three|four|five)\b[.:]?)(?:\s+(.*))?$",
    )
});

/// A list marker opening a paragraph of plain text: "1.", "2)", "3.)", "(4)", "a)", "(b)",
/// "iv.", or a bullet. Not a lone capital with a period ("J. K. Rowling ..." is a name).
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"^(?:\d{1,2}\.\)?|\d{1,2}\)|\(\d{1,2}\)|[a-z]\)|\([a-z]\)|(?i:[ivx]{1,4})\.|[-*•–·▪]|[IVX]{2,4}\.)[ \t]+",
    )
});

/// Length in bytes of a list marker (and the space after it) that opens a paragraph followed
/// by text of its own ("1.) The state ..."), if there is one: the marker numbers the point, it
/// is not part of what the point says.
pub fn list_marker_len(s: &str) -> Option<usize> {
    let m = LIST_MARKER.find(s)?;
    s[m.end()..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '"' | '“' | '\''))
        .then_some(m.end())
}

/// A dateline opening the first paragraph of a news-style piece: "WASHINGTON —",
/// "NEW DELHI, Sept. 6 —", "BRUSSELS, 12 March 2025 —", "LONDON (Reuters) -", "Washington • ".
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"^[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][\p{L}.]*(?:\s+[A-Z][\p{L}.]*)?)?(?:,?\s+(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?|\d{1,2} [A-Z][a-z]{2,8}\.?(?: \d{4})?))?(?:\s*\([^()\n]{2,20}\))?\s*(?:—|–|--| - )\s*|^[A-Z][\p{L}.'’-]+(?: [A-Z][\p{L}.'’-]+){0,2} • ",
    )
});

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Whether `s` has at most `n` words, counting no further than that: these tests are asked
/// of every line and paragraph, and a paragraph's whole count is never needed.
pub fn words_at_most(s: &str, n: usize) -> bool {
    s.split_whitespace().nth(n).is_none()
}

/// What may close a sentence after its final punctuation: quotes, a bracket, emphasis.
pub const CLOSERS: [char; 7] = ['"', '”', '’', '\'', ')', '*', '_'];

/// Whether `s` ends as a sentence or a clause does, whatever closes it after its punctuation.
pub fn ends_like_sentence(s: &str) -> bool {
    let s = s.trim_end_matches(CLOSERS);
    s.ends_with(['.', '!', '?', ':', ';', ',', '…'])
}

/// The first publication date written in `s`, as a byte range into it.
pub fn find_date(s: &str) -> Option<Range<usize>> {
    DATE.find(s).map(|m| m.range())
}

/// A line of metadata: a date, a read time, a view count, an "Updated …" stamp, or a short
/// line of `·`/`|`-separated fields with a number in it.
pub fn is_meta(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || !words_at_most(s, 15) {
        return false;
    }
    if META_LEAD.is_match(s) {
        return true;
    }
    // A sentence that mentions a date ("It happened on 6 May 2019.") is prose, not metadata.
    if s.ends_with('.') && !words_at_most(s, 4) {
        return false;
    }
    let has_digit = s.chars().any(|c| c.is_ascii_digit());
    let has_separator = s.contains(['·', '|', '•']);
    DATE.is_match(s) || mostly_date_ish(s) || has_digit && has_separator
}

/// A short line that is mostly a month and day ("Thursday, Feb. 5", "March 3 · Opinion"): at
/// most four words besides the date. "In Our View, Feb. 5: Prioritize Education" is a headline
/// with a date in it.
fn mostly_date_ish(s: &str) -> bool {
    words_at_most(s, 8)
        && DATE_ISH
            .find(s)
            .is_some_and(|m| words(&s[..m.start()]) + words(&s[m.end()..]) <= 4)
}

/// The author's name in a byline ("By Jane Doe" → "Jane Doe"), or `None`.
pub fn byline_name(s: &str) -> Option<&str> {
    let s = s.trim().trim_matches(['*', '_']);
    if !words_at_most(s, 20) {
        return None;
    }
    let caps = BY.captures(s)?;
    let name = caps.get(1)?.as_str().trim_end_matches([',', '.', ' ']);
    (1..=8)
        .contains(&words(name))
        .then_some(name)
        .filter(|n| n.chars().next().is_some_and(char::is_uppercase))
}

/// A byline that names the publication's voice rather than a person: "Editorial", "The
/// Editorial Board", "The Herald Editors", "Our view", "Staff Writer". Only capitalised words
/// (a paper's name) before it: "the party's new editorial line" is no byline.
static HOUSE_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"^(?:[Tt]he )?(?:[A-Z][A-Za-z'’.-]* ){0,3}(?i:editorial(?: board| team| staff)?|editors|editorial writers|our view|staff writers?|staff reporters?|staff)$",
    )
});

pub fn is_house_byline(s: &str) -> bool {
    let s = s.trim().trim_matches(['*', '_', ' ']);
    words_at_most(s, 6) && HOUSE_BYLINE.is_match(s)
}

/// "Authors", "Contributors": a label over the names of the people who wrote the piece.
pub fn is_authors_label(s: &str) -> bool {
    let s = s.trim().trim_matches(['*', '_', ' ', ':']);
    [
        "author",
        "authors",
        "contributor",
        "contributors",
        "written by",
        "words by",
    ]
    .iter()
    .any(|l| s.eq_ignore_ascii_case(l))
}

/// "Ann Lee, Senior Fellow at the Transit Institute": a name, a comma and what the person is.
pub fn is_name_and_role(s: &str) -> bool {
    let s = s.trim().trim_matches(['*', '_', ' ']);
    match s.split_once(',') {
        Some((name, role)) => {
            is_name(name) && words_at_most(s, 16) && !ends_like_sentence(s) && names_a_role(role)
        }
        None => false,
    }
}

/// A line of links: three or more short fields between `|`, `·` or `•` and no sentence
/// ("Reprints | Contact Us | Terms of Use", "Home · Opinion · Transport").
fn is_link_row(s: &str) -> bool {
    let fields: Vec<&str> = s.split(['|', '·', '•']).map(str::trim).collect();
    fields.len() >= 3
        && fields.iter().all(|f| {
            !f.is_empty()
                && words_at_most(f, 4)
                && !ends_like_sentence(f)
                && f.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
        && !fields.iter().any(|f| DATE.is_match(f))
}

/// "Shivani Singh", "Dr. A. N. Other": two to five capitalised words and nothing else; or two
/// such names joined by "and" ("Reps. Ann Lee and Bob Roe"), each at least a first and a last
/// name, so that a heading such as "Trade and Tariffs" is no pair of authors.
pub fn is_name(s: &str) -> bool {
    let s = s.trim().trim_matches(['*', '_']);
    match s.split_once(" and ").or_else(|| s.split_once(" & ")) {
        Some((first, second)) => is_one_name(first) && is_one_name(second),
        None => is_one_name(s),
    }
}

fn is_one_name(s: &str) -> bool {
    let ws: Vec<&str> = s.split_whitespace().collect();
    (2..=5).contains(&ws.len())
        && !ends_like_sentence(s)
        && ws
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
}

/// A picture's credit on a line of its own under the caption: "Markus Schreiber/Associated
/// Press", "Photo: Jane Doe".
pub fn is_credit_line(s: &str) -> bool {
    let s = s.trim();
    words_at_most(s, 8) && !ends_like_sentence(s) && looks_like_caption(s)
}

pub fn is_caption(s: &str) -> bool {
    let s = s.trim();
    // The patterns look only at the two ends of the line; the word limit, which reads into
    // it, is checked only on a line they accept.
    looks_like_caption(s) && words_at_most(s, 60)
}

fn looks_like_caption(s: &str) -> bool {
    if CAPTION_LEAD.is_match(s) {
        return true;
    }
    // The line is trimmed, so a credit match ends at its end and spans at most
    // CAPTION_CREDIT_BYTES.
    let mut tail = s.len().saturating_sub(CAPTION_CREDIT_BYTES);
    while !s.is_char_boundary(tail) {
        tail -= 1;
    }
    if let Some(m) = CAPTION_CREDIT.find(&s[tail..]) {
        if credit_set_off(s, tail + m.start()) {
            return true;
        }
    }
    // A closing parenthesis's match holds no other ')': it starts after the one before.
    match s.strip_suffix(')') {
        Some(head) => {
            let from = head.rfind(')').map_or(0, |p| p + 1);
            CAPTION_PAREN.is_match(&s[from..])
        }
        None => false,
    }
}

pub fn is_boilerplate(s: &str) -> bool {
    if is_ornament(s) {
        return true;
    }
    let s = s.trim().trim_matches(['*', '_', '#', '>', ' ']);
    (NAV_LINE.is_match(s) || BOILERPLATE_LEAD.is_match(s)) && words_at_most(s, 60)
        || words_at_most(s, 24) && is_link_row(s)
}

/// A line of ornaments that separates parts of a piece ("* * *", "•••", "~~~"): no letter or
/// digit, so nothing a unit could say.
fn is_ornament(s: &str) -> bool {
    let s = s.trim();
    (3..=40).contains(&s.len())
        && s.chars().filter(|c| !c.is_whitespace()).count() >= 3
        && !s.chars().any(char::is_alphanumeric)
}

/// A numbered or lettered heading: a bare marker ("1.", "II.") or a marker and a short
/// unpunctuated title ("2. The cost of waiting").
pub fn is_numbered_heading(s: &str) -> bool {
    let s = s.trim();
    match NUMBERED_HEADING.captures(s) {
        None => false,
        Some(c) => match c.get(1) {
            None => true,
            Some(rest) => {
                let rest = rest.as_str();
                words_at_most(rest, 10) && !ends_like_sentence(rest)
            }
        },
    }
}

/// Length in bytes of a dateline that opens a paragraph ("WASHINGTON — "), if there is one.
pub fn dateline_len(s: &str) -> Option<usize> {
    // What the pattern opens with, checked first: few paragraphs open with two capitals, and
    // compiling the pattern (its bounded letter classes) cost a tenth of mapping one article.
    let mut opening = s.chars();
    let capitals = matches!(opening.next(), Some('A'..='Z'))
        && matches!(opening.next(), Some('A'..='Z' | '.' | '\'' | '’' | '-'));
    // "Washington • ": a place in any case, set off by a bullet.
    let bullet = || s.find(" • ").is_some_and(|at| at <= 40);
    if !(capitals || bullet()) {
        return None;
    }
    let m = DATELINE.find(s)?;
    // The capitals must be a place, not a shouted first word of a sentence ("NO — ...").
    let head = &s[..m.end()];
    let letters = head.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= 4 && m.end() < s.len()).then_some(m.end())
}

/// What an author's note says the author is.
const AUTHOR_ROLES: [&str; 29] = [
    "fellow",
    "professor",
    "researcher",
    "director",
    "editor",
    "author",
    "columnist",
    "correspondent",
    "analyst",
    "reporter",
    "lecturer",
    "scholar",
    "chair",
    "president",
    "founder",
    "member",
    "journalist",
    "writer",
    "economist",
    "lawyer",
    "contributor",
    "associate",
    "head",
    "chief",
    "adviser",
    "advisor",
    "student",
    "candidate",
    "teacher",
];

/// Whether `s` names what someone is by trade ("professor", "fellows", "editor").
fn names_a_role(s: &str) -> bool {
    s.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        let singular = w.strip_suffix('s').unwrap_or(w);
        AUTHOR_ROLES
            .iter()
            .any(|r| w.eq_ignore_ascii_case(r) || singular.eq_ignore_ascii_case(r))
    })
}

/// A note on the author set among the headline, byline and date rather than at the foot. Held
/// to more than [`is_bio`]: the body's first sentence often opens with a capitalised subject
/// and a verb ("Britain works longer hours …"), so the note must name the byline's author or
/// say what the person is by trade.
pub fn is_header_bio(s: &str, byline_name: Option<&str>) -> bool {
    let plain = s.trim_matches(['*', '_', ' ', '—', '–', '-']).trim();
    let names_author = byline_name.is_some_and(|n| !n.is_empty() && plain.starts_with(n));
    words_at_most(s, 40) && is_bio(s, byline_name) && (names_author || names_a_role(plain))
}

/// The closing note about the author: "Jane Doe is a senior fellow at …", "The author is …",
/// "— Jane Doe teaches law at …". A note on the author demands nothing: "Councillor Jo Reyes
/// is a member of the committee that votes on Tuesday, and she should vote yes" closes the
/// argument, and dropping it would lose the writer's last word.
pub fn is_bio(s: &str, byline_name: Option<&str>) -> bool {
    looks_like_bio(s, byline_name) && !makes_demand(s)
}

/// Whether `s` says what someone should or must do.
pub(crate) fn makes_demand(s: &str) -> bool {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .any(|w| {
            ["should", "must", "ought", "shouldn't", "mustn't"]
                .iter()
                .any(|d| w.eq_ignore_ascii_case(d))
        })
}

fn looks_like_bio(s: &str, byline_name: Option<&str>) -> bool {
    // "— Maria Lopez lives in Fresno and has worked as a public defender for twelve years.": a
    // dash, a name and what the person does or is, the way papers sign a reader's piece.
    let after_dash = s.trim_start().trim_start_matches(['*', '_']);
    if let Some(rest) = after_dash
        .strip_prefix('—')
        .or_else(|| after_dash.strip_prefix('–'))
    {
        let ws: Vec<&str> = rest.split_whitespace().take(5).collect();
        let capitalised = ws
            .iter()
            .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count();
        if (2..=4).contains(&capitalised)
            && ws
                .get(capitalised)
                .is_some_and(|w| w.chars().next().is_some_and(char::is_lowercase))
            && words_at_most(s, 60)
        {
            return true;
        }
    }
    // Asked of every paragraph: the word limit is checked last, on the few that look like a
    // bio, and nothing here reads further into a paragraph than its shape needs.
    let plain = s.trim_matches(['*', '_', ' ', '—', '–', '-']).trim();
    if let Some(name) = byline_name {
        if !name.is_empty() && plain.starts_with(name) && !words_at_most(plain, words(name)) {
            return words_at_most(s, 60);
        }
    }
    if [
        "the author",
        "the writer",
        "about me",
        "about the author",
        "author bio",
        "about the writer",
    ]
    .iter()
    .any(|p| lower_starts_with(plain, p))
    {
        return words_at_most(s, 60);
    }
    // The first verb must come within the first six words.
    let ws: Vec<&str> = plain.split_whitespace().take(6).collect();
    let verbs = [
        "is", "was", "serves", "works", "writes", "teaches", "leads", "heads", "directs", "are",
        "covers", "edits", "chairs",
    ];
    let has_role = || names_a_role(plain);
    match ws.iter().position(|w| verbs.contains(w)) {
        Some(p) if (1..=5).contains(&p) => {
            ws[..p].iter().all(|w| {
                w.trim_start_matches(['(', '@'])
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase())
            }) && words_at_most(s, 60)
                && (!["is", "was", "are"].contains(&ws[p]) || has_role())
        }
        _ => false,
    }
}

/// Whether the lower-case form of `s` starts with `prefix`, lowering no more of `s` than that.
fn lower_starts_with(s: &str, prefix: &str) -> bool {
    let mut lower = s.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lower.next() == Some(p))
}

/// A line that is furniture rather than text in any position: captions, boilerplate,
/// metadata, bylines.
pub fn is_furniture(s: &str) -> bool {
    is_caption(s) || is_boilerplate(s) || is_meta(s) || byline_name(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_usual_forms() {
        for (line, date) in [
            ("30 Sep, 2018    ·   5519", "30 Sep, 2018"),
            (
                "September 6, 2019 · The Outlet · Jane Doe",
                "September 6, 2019",
            ),
            ("Updated: Sept. 6 2019, 9:00 am", "Sept. 6 2019"),
            ("Posted 2021-03-04", "2021-03-04"),
        ] {
            let r = find_date(line).expect(line);
            assert_eq!(&line[r], date);
        }
        assert_eq!(find_date("We may see 2024 differently"), None);
    }

    #[test]
    fn metadata_lines() {
        for yes in [
            "30 Sep, 2018    ·   5519",
            "Updated 3 hours ago",
            "5 min read",
            "12,400 views",
            "Published: March 3, 2020",
            "Mar 3, 2020 | 7 comments",
            "Thursday, Feb. 5",
        ] {
            assert!(is_meta(yes), "{yes}");
        }
        for no in [
            "The council met on 6 May 2019 and voted against the plan.",
            "Why congestion pricing works",
            "Cities should price their roads",
            "In Our View, Feb. 5: Prioritize Education",
        ] {
            assert!(!is_meta(no), "{no}");
        }
    }

    #[test]
    fn bylines_and_names() {
        assert_eq!(byline_name("By Jane Doe"), Some("Jane Doe"));
        assert_eq!(
            byline_name("BY JANE DOE AND JOHN ROE"),
            Some("JANE DOE AND JOHN ROE")
        );
        assert_eq!(
            byline_name("By Jane Doe, Senior Fellow, Urban Institute"),
            Some("Jane Doe")
        );
        assert_eq!(
            byline_name("By the end of the year, costs had doubled."),
            None
        );
        assert_eq!(byline_name("By 2030 the city will need new roads."), None);
        assert!(is_name("Shivani Singh"));
        assert!(is_name("Reps. Ann Lee and Bob Roe"));
        assert!(!is_name("Trade and Tariffs"));
        assert!(!is_name("Costs rose."));
    }

    #[test]
    fn captions_boilerplate_headings_datelines() {
        assert!(is_caption("Photo: Jane Doe/Reuters"));
        assert!(is_caption(
            "Commuters crowd a platform in Mumbai. (Photo by A. Roy/Getty Images)"
        ));
        assert!(!is_caption("The photo showed nothing new."));
        assert!(is_caption("Markus Schreiber/Associated Press"));
        assert!(is_credit_line("Markus Schreiber/Associated Press"));
        assert!(!is_caption(
            "The minister said the talks had failed, she told Reuters."
        ));
        assert!(!is_caption("Costs rose, according to Bloomberg."));
    }

    /// The credit and the closing parenthesis are looked for only at the end of the line:
    /// these are the edges of that shortcut.
    #[test]
    fn captions_credited_at_the_end_of_the_line() {
        assert!(is_caption(
            "Rescuers search the rubble.  WIKIMEDIA COMMONS.  "
        ));
        // The "k" of a case-insensitive match may be the three-byte Kelvin sign.
        assert!(is_caption(
            "A flooded street in Dhaka / SHUTTERSTOC\u{212A}"
        ));
        assert!(is_caption(
            "A flooded street (left) in Dhaka (photo: J. Roe)"
        ));
        assert!(is_caption("Crowds in Lagos (Photo by X (left) / AFP)"));
        assert!(!is_caption(
            "Crowds (photo: J. Roe) filled Lagos (as expected)"
        ));
        assert!(!is_caption("Reuters reported that the talks had failed."));
        assert!(is_boilerplate("Read more: Why cities fail"));
        assert!(is_boilerplate("ADVERTISEMENT"));
        assert!(is_boilerplate(
            "The views expressed in this article are the author's own."
        ));
        assert!(is_boilerplate("Related Articles"));
        assert!(is_boilerplate("•••"));
        assert!(is_boilerplate("* * *"));
        assert!(!is_boilerplate("?!"));
        assert!(is_boilerplate(
            "Opinion editor’s note: Editorials represent the opinions of the Board."
        ));
        assert!(is_boilerplate(
            "Editorials represent the views of The Press Democrat editorial board."
        ));
        assert!(!is_boilerplate(
            "Editorials are a poor guide to what readers think."
        ));
        assert!(is_boilerplate("[1] See the 2019 audit, p. 4."));
        assert!(!is_boilerplate("Share prices fell by a third."));
        assert!(!is_boilerplate(
            "Comments from residents were mostly negative."
        ));
        assert!(!is_boilerplate("Share the burden"));
        // Paywalls, contributor disclaimers and comment buttons pasted with the text, and
        // sentences that start the same way but are text.
        for (line, furniture) in [
            ("To view the rest of this article, you must log in.", true),
            (
                "If you do not have an account with us, please subscribe here.",
                true,
            ),
            (
                "The views expressed by contributors are their own and not the view of The Hill",
                true,
            ),
            ("View Comments", true),
            (
                "To view the rest of the world as hostile is a mistake.",
                false,
            ),
            ("If you do not have a car, the bus is your only way.", false),
        ] {
            assert_eq!(is_boilerplate(line), furniture, "{line}");
        }
        assert!(is_numbered_heading("1."));
        assert!(is_numbered_heading("2. The cost of waiting"));
        assert!(is_numbered_heading("II."));
        assert!(!is_numbered_heading(
            "1. We must act now because costs rise."
        ));
        assert_eq!(
            dateline_len("WASHINGTON — The Senate voted."),
            Some("WASHINGTON — ".len())
        );
        assert!(dateline_len("NEW DELHI, Sept. 6 — The court ruled.").is_some());
        assert_eq!(
            dateline_len("BRUSSELS, 12 March 2025 — The Commission ruled."),
            Some("BRUSSELS, 12 March 2025 — ".len())
        );
        assert_eq!(dateline_len("NO — that is not how it works."), None);
        assert_eq!(
            dateline_len("Washington • Complaining is a pastime."),
            Some("Washington • ".len())
        );
    }

    #[test]
    fn bios() {
        assert!(is_bio(
            "Shivani Singh is a Researcher with the Nuclear Security Programme at IPCS.",
            Some("Shivani Singh")
        ));
        assert!(is_bio(
            "Jane Doe is a senior fellow at the Urban Institute.",
            None
        ));
        assert!(is_bio(
            "— Maria Lopez teaches law at the University of Leeds.",
            None
        ));
        assert!(!is_bio("The council is a body of elected members.", None));
        assert!(!is_bio("Congestion pricing is a proven tool.", None));
        // The "about the author" openings, in any case.
        assert!(is_bio("ABOUT THE AUTHOR: Jane Doe writes on cities.", None));
        assert!(is_bio("The writer is a former mayor of Leeds.", None));
        // The name alone, or a name that runs on past sixty words, is no bio.
        assert!(!is_bio("Shivani Singh", Some("Shivani Singh")));
        let long = format!("Jane Doe is a fellow at IPCS {}", "and more ".repeat(30));
        assert!(!is_bio(&long, None));
        // A verb later than the sixth word: a sentence about people, not a bio.
        assert!(!is_bio(
            "Many of the city's older residents and workers are fellows of the union.",
            None
        ));
    }
}
