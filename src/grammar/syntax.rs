//! The rule language's syntax tree and its parser (recursive descent over the tokens).
//!
//! ```text
//! file      := item*
//! item      := "grammar" IDENT "version" NUMBER
//!            | "import" STRING
//!            | "settings" "{" (IDENT "=" (NUMBER | IDENT))* "}"
//!            | "lexicon" IDENT "=" lexexpr
//!            | "pattern" IDENT "=" REGEX
//!            | "split" IDENT ":" ("before" | "after_lead") IDENT body?
//!            | "rule" IDENT ":" ROLE NUMBER body
//!            | "kind" IDENT ":" KIND NUMBER body
//!            | "link" IDENT ":" ("support" | "attack") "->" target NUMBER body
//!            | "disable" IDENT
//!            | "weight" IDENT "=" NUMBER          (replaces a role or link rule's weight)
//!            | "bias" ROLE "=" NUMBER             (added to a role's summed weight)
//! lexexpr   := term (("+" | "-") term)*
//! term      := "[" (STRING ("," STRING)* ","?)? "]" | "tsv" "(" STRING ("," IDENT ("="|"~") STRING)* ")" | IDENT
//! body      := "{" ("when" cond | "priority" NUMBER | "min_words" NUMBER | "after_comma" | "unless_next" NAME (repeatable)
//!                   | "only_next" NAME | "unless_prev" NAME
//!                   | "clause_goes_on" NAME | "yes" STRING | "no" STRING)* "}"
//! cond      := conj ("or" conj)* ;  conj := unary ("and" unary)* ;  unary := "not" unary | atom
//! atom      := "(" cond ")" | ("prev" | "next" | "sentence") "." atom | test
//! ```

use super::error::{ErrorKind, GrammarError};
use super::lexer::{Tok, Token};
use super::source::Span;
use crate::graph::model::{Kind, RelationKind, Role};

#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegexLit {
    pub body: String,
    pub flags: String,
    /// File offset of every byte of `body`.
    pub origin: Vec<usize>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LexExpr {
    List(Vec<Name>),
    Tsv { path: Name, filters: Vec<TsvFilter> },
    Ref(Name),
    Union(Box<LexExpr>, Box<LexExpr>),
    Difference(Box<LexExpr>, Box<LexExpr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TsvFilter {
    pub column: Name,
    /// `=` compares exactly; `~` treats the value as a regex.
    pub is_regex: bool,
    pub value: Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Sentence,
    Paragraph,
    Section,
    Document,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Title,
    Standfirst,
    Body,
    /// The first paragraph of a body of three or more: where essays and op-eds state what
    /// they will argue.
    Introduction,
    /// The last paragraph of a body of three or more: where they state it again.
    Conclusion,
    /// Inside a quoted passage: someone else's words (see `annotate::quotation`).
    Quotation,
    /// In an item of a bulleted or numbered list: one of the points the sentence before the
    /// list announced.
    ListItem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neighbour {
    Prev,
    Next,
    Sentence,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PatternRef {
    Named(Name),
    Inline(RegexLit),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    StartsWith(Name),
    Contains(Name),
    EndsWith(Name),
    Matches(PatternRef),
    FirstIn(Scope),
    LastIn(Scope),
    In(Region),
    Echoes(Region),
    RoleIs(Role),
    KindIs(Kind),
    IsThesis,
    WordsBelow(usize),
    WordsAbove(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Test(Test, Span),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Neighbour(Neighbour, Box<Cond>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub positive: bool,
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitKind {
    /// Cut right before the cue: "X | because Y".
    Before,
    /// The sentence opens with the cue: cut at the end of that opening clause,
    /// "Although X, | Y".
    AfterLead,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Previous,
    Next,
    Thesis,
    ParagraphClaim,
    SectionClaim,
    SentenceHead,
    /// The closest unit of the role, searching backwards first.
    Nearest(Role),
    /// The closest earlier unit of the role.
    Preceding(Role),
    /// The closest opinion (a `policy` or `value` unit) of the same paragraph, searching
    /// backwards first: what a fact, figure or testimony usually backs.
    ParagraphOpinion,
    /// What the previous unit is linked to, when that link has this rule's kind: an additive
    /// "Moreover, ..." makes the same move as the unit before it.
    Sibling,
    /// For a unit in a list item, the unit just before the list: the sentence that announced
    /// it ("Three changes would help."); when that unit ends with a colon ("Congress
    /// should:"), what it supports.
    LeadIn,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    /// Every field keyword as written, in order: what the compiler points at when a field
    /// does nothing in the kind of item it was written in.
    pub fields: Vec<Name>,
    pub when: Option<Cond>,
    pub priority: i32,
    pub min_words: Option<usize>,
    pub after_comma: bool,
    /// Split rules: patterns that, any of them matching right after the cue, keep the sentence
    /// whole ("since 2021" is a date, not a reason). The field may be written more than once.
    pub unless_next: Vec<Name>,
    /// `before` split rules: a pattern that must match right after the cue for the cut to
    /// stand ("as" gives a reason when a subject and an auxiliary follow: "as it would cost").
    pub only_next: Option<Name>,
    /// `before` split rules: a pattern that, matching the words right before the cue, keeps
    /// the sentence whole ("a modest but meaningful step": "but" inside a noun phrase).
    pub unless_prev: Option<Name>,
    /// `after_lead` split rules: a pattern that, matching right after a comma of the opening
    /// clause, says the clause goes on there ("Although X, and Y, have ...").
    pub clause_goes_on: Option<Name>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Header {
        name: Name,
        version: f64,
    },
    Import(Name),
    Settings(Vec<(Name, Setting)>),
    Lexicon {
        name: Name,
        expr: LexExpr,
    },
    Pattern {
        name: Name,
        regex: RegexLit,
    },
    Split {
        name: Name,
        kind: SplitKind,
        lexicon: Name,
        body: Body,
    },
    Rule {
        name: Name,
        role: Role,
        weight: f64,
        body: Body,
    },
    /// A proposition-kind rule: like a role rule, but votes for a [`Kind`].
    Kind {
        name: Name,
        kind: Kind,
        weight: f64,
        body: Body,
    },
    Link {
        name: Name,
        kind: RelationKind,
        target: Target,
        target_span: Span,
        weight: f64,
        body: Body,
    },
    Disable(Name),
    /// A fitted weight for a rule defined anywhere in the grammar (`toulmin tune` writes these).
    Weight {
        rule: Name,
        weight: f64,
    },
    Bias {
        role: Role,
        role_span: Span,
        bias: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Number(f64, Span),
    Word(Name),
}

pub const ITEM_KEYWORDS: [&str; 11] = [
    "grammar", "import", "settings", "lexicon", "pattern", "split", "rule", "kind", "link",
    "weight", "bias",
];
const TESTS: [&str; 13] = [
    "starts_with",
    "contains",
    "ends_with",
    "matches",
    "first_in",
    "last_in",
    "in",
    "echoes",
    "role",
    "kind",
    "is_thesis",
    "words",
    "not",
];
/// The fields a rule body may hold (each kind of item takes some of them).
pub const FIELDS: [&str; 10] = [
    "when",
    "priority",
    "min_words",
    "after_comma",
    "unless_next",
    "only_next",
    "unless_prev",
    "clause_goes_on",
    "yes",
    "no",
];

const TARGETS: [&str; 11] = [
    "previous",
    "next",
    "thesis",
    "paragraph_claim",
    "section_claim",
    "sentence_head",
    "nearest",
    "preceding",
    "sibling",
    "paragraph_opinion",
    "lead_in",
];

/// The newest version of the rule language this toulmin reads (`grammar NAME version N`).
pub const GRAMMAR_VERSION: f64 = 1.0;

/// Conditions nest (`not`, `(`, `prev.`) at most this deep: the parser and every stage that
/// walks a condition recurse, and a hostile file must not overflow the stack.
pub const MAX_CONDITION_DEPTH: usize = 64;
/// Priorities are ranks: a million of them is more than any grammar needs, and keeps them
/// far from the limits of the integer they are kept in.
pub const MAX_PRIORITY: f64 = 1_000_000.0;
/// A lexicon expression joins at most this many terms with `+` and `-`.
pub const MAX_LEXICON_TERMS: usize = 1000;

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    file: usize,
    eof: usize,
    /// How deep the condition being parsed nests.
    depth: usize,
}

type PResult<T> = Result<T, GrammarError>;

pub fn parse(file: usize, tokens: &[Token], eof: usize) -> PResult<Vec<Item>> {
    let mut p = Parser {
        tokens,
        pos: 0,
        file,
        eof,
        depth: 0,
    };
    let mut items = Vec::new();
    while p.peek().is_some() {
        items.push(p.item()?);
    }
    Ok(items)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn peek_ident(&self) -> Option<&'a str> {
        match self.peek() {
            Some(Token {
                tok: Tok::Ident(s), ..
            }) => Some(s.as_str()),
            _ => None,
        }
    }

    fn here(&self) -> Span {
        self.peek()
            .map_or(Span::point(self.file, self.eof), |t| t.span)
    }

    fn error(&self, expected: impl Into<String>) -> GrammarError {
        let found = self
            .peek()
            .map_or("end of file".to_string(), |t| t.tok.describe());
        GrammarError::new(
            ErrorKind::Expected {
                expected: expected.into(),
                found,
            },
            self.here(),
        )
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if matches!(self.peek(), Some(Token { tok: Tok::Punct(q), .. }) if *q == p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &str) -> PResult<Span> {
        let span = self.here();
        if self.eat_punct(p) {
            Ok(span)
        } else {
            Err(self.error(format!("`{p}`")))
        }
    }

    fn eat_keyword(&mut self, kw: &str) -> bool {
        if self.peek_ident() == Some(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, kw: &str) -> PResult<()> {
        if self.eat_keyword(kw) {
            Ok(())
        } else {
            Err(self.error(format!("`{kw}`")))
        }
    }

    fn name(&mut self, what: &str) -> PResult<Name> {
        match self.peek() {
            Some(Token {
                tok: Tok::Ident(s),
                span,
            }) => {
                self.pos += 1;
                Ok(Name {
                    text: s.clone(),
                    span: *span,
                })
            }
            _ => Err(self.error(what.to_string())),
        }
    }

    fn string(&mut self, what: &str) -> PResult<Name> {
        match self.peek() {
            Some(Token {
                tok: Tok::Str(s),
                span,
            }) => {
                self.pos += 1;
                Ok(Name {
                    text: s.clone(),
                    span: *span,
                })
            }
            _ => Err(self.error(what.to_string())),
        }
    }

    fn number(&mut self, what: &str) -> PResult<(f64, Span)> {
        match self.peek() {
            Some(Token {
                tok: Tok::Number(n),
                span,
            }) => {
                self.pos += 1;
                Ok((*n, *span))
            }
            _ => Err(self.error(what.to_string())),
        }
    }

    fn count(&mut self, what: &str) -> PResult<usize> {
        let (n, span) = self.number(what)?;
        if n < 0.0 || n.fract() != 0.0 {
            return Err(GrammarError::new(
                ErrorKind::Invalid(format!("{what} must be a whole number, not {n}")),
                span,
            ));
        }
        Ok(n as usize)
    }

    fn regex(&mut self) -> PResult<RegexLit> {
        match self.peek() {
            Some(Token {
                tok:
                    Tok::Regex {
                        body,
                        flags,
                        origin,
                    },
                span,
            }) => {
                self.pos += 1;
                Ok(RegexLit {
                    body: body.clone(),
                    flags: flags.clone(),
                    origin: origin.clone(),
                    span: *span,
                })
            }
            _ => Err(self.error("a regex such as /\\d+ percent/i")),
        }
    }

    fn role(&mut self) -> PResult<Role> {
        let name = self.name("a role")?;
        Role::parse(&name.text).ok_or_else(|| unknown_role(&name))
    }

    fn kind(&mut self) -> PResult<Kind> {
        let name = self.name("a proposition kind")?;
        Kind::parse(&name.text).ok_or_else(|| unknown_kind(&name))
    }

    fn item(&mut self) -> PResult<Item> {
        let Some(kw) = self.peek_ident() else {
            return Err(self.error(format!("an item ({})", ITEM_KEYWORDS.join(", "))));
        };
        let start = self.here();
        self.pos += 1;
        match kw {
            "grammar" => {
                let name = self.name("the grammar's name")?;
                self.expect_keyword("version")?;
                let (version, span) = self.number("a version number")?;
                if version.fract() != 0.0 || version < 1.0 {
                    return Err(GrammarError::new(
                        ErrorKind::Invalid(format!(
                            "grammar versions are whole numbers from 1, not {version}"
                        )),
                        span,
                    ));
                }
                if version > GRAMMAR_VERSION {
                    return Err(GrammarError::new(
                        ErrorKind::Invalid(format!(
                            "grammar `{}` is written for version {version} of the rule language; \
                             this toulmin reads version {GRAMMAR_VERSION} and older",
                            name.text
                        )),
                        span,
                    )
                    .with_note("update toulmin, or write the grammar for version 1"));
                }
                Ok(Item::Header { name, version })
            }
            "import" => Ok(Item::Import(self.string("a file path in quotes")?)),
            "disable" => Ok(Item::Disable(self.name("the name of a rule to disable")?)),
            "weight" => {
                let rule = self.name("the name of a role or link rule")?;
                self.expect_punct("=")?;
                let (weight, _) = self.number("the rule's weight (a number such as 0.8)")?;
                Ok(Item::Weight { rule, weight })
            }
            "bias" => {
                let role_span = self.here();
                let role = self.role()?;
                self.expect_punct("=")?;
                let (bias, _) = self.number("the role's bias (a number such as -0.1)")?;
                Ok(Item::Bias {
                    role,
                    role_span,
                    bias,
                })
            }
            "settings" => {
                self.expect_punct("{")?;
                let mut settings = Vec::new();
                while !self.eat_punct("}") {
                    let key = self.name("a setting name or `}`")?;
                    self.expect_punct("=")?;
                    let value = match self.peek() {
                        Some(Token {
                            tok: Tok::Number(n),
                            span,
                        }) => {
                            self.pos += 1;
                            Setting::Number(*n, *span)
                        }
                        _ => Setting::Word(self.name("a number or a word")?),
                    };
                    settings.push((key, value));
                }
                Ok(Item::Settings(settings))
            }
            "lexicon" => {
                let name = self.name("the lexicon's name")?;
                self.expect_punct("=")?;
                let expr = self.lex_expr()?;
                Ok(Item::Lexicon { name, expr })
            }
            "pattern" => {
                let name = self.name("the pattern's name")?;
                self.expect_punct("=")?;
                let regex = self.regex()?;
                Ok(Item::Pattern { name, regex })
            }
            "split" => {
                let name = self.name("the split rule's name")?;
                self.expect_punct(":")?;
                let kind = match self.peek_ident() {
                    Some("before") => SplitKind::Before,
                    Some("after_lead") => SplitKind::AfterLead,
                    _ => return Err(self.error("`before` or `after_lead`")),
                };
                self.pos += 1;
                let lexicon = self.name("a lexicon name")?;
                let body = self.body_opt(&name)?;
                Ok(Item::Split {
                    name,
                    kind,
                    lexicon,
                    body,
                })
            }
            "rule" => {
                let name = self.name("the rule's name")?;
                self.expect_punct(":")?;
                let role = self.role()?;
                let (weight, _) = self.number("the rule's weight (a number such as 0.8)")?;
                let body = self.body(&name)?;
                Ok(Item::Rule {
                    name,
                    role,
                    weight,
                    body,
                })
            }
            "kind" => {
                let name = self.name("the kind rule's name")?;
                self.expect_punct(":")?;
                let kind = self.kind()?;
                let (weight, _) = self.number("the rule's weight (a number such as 0.8)")?;
                let body = self.body(&name)?;
                Ok(Item::Kind {
                    name,
                    kind,
                    weight,
                    body,
                })
            }
            "link" => {
                let name = self.name("the link rule's name")?;
                self.expect_punct(":")?;
                let kind = match self.peek_ident() {
                    Some("support") => RelationKind::Support,
                    Some("attack") => RelationKind::Attack,
                    _ => return Err(self.error("`support` or `attack`")),
                };
                self.pos += 1;
                self.expect_punct("->")?;
                let target_span = self.here();
                let target = self.target()?;
                let (weight, _) = self.number("the link's weight (a number such as 0.6)")?;
                let body = self.body(&name)?;
                Ok(Item::Link {
                    name,
                    kind,
                    target,
                    target_span,
                    weight,
                    body,
                })
            }
            other => {
                let suggestion =
                    super::error::suggest(other, ITEM_KEYWORDS.iter().copied().chain(["disable"]));
                Err(GrammarError::new(
                    ErrorKind::Unknown {
                        what: "item",
                        name: other.to_string(),
                        suggestion,
                    },
                    start,
                )
                .with_note(
                    "a rule file holds grammar, import, settings, lexicon, pattern, split, rule, kind, link, disable, weight and bias items",
                ))
            }
        }
    }

    fn target(&mut self) -> PResult<Target> {
        let name =
            self.name("a link target (previous, thesis, paragraph_claim, nearest ROLE, ...)")?;
        Ok(match name.text.as_str() {
            "previous" => Target::Previous,
            "next" => Target::Next,
            "thesis" => Target::Thesis,
            "paragraph_claim" => Target::ParagraphClaim,
            "section_claim" => Target::SectionClaim,
            "sentence_head" => Target::SentenceHead,
            "sibling" => Target::Sibling,
            "paragraph_opinion" => Target::ParagraphOpinion,
            "lead_in" => Target::LeadIn,
            "nearest" => Target::Nearest(self.role()?),
            "preceding" => Target::Preceding(self.role()?),
            other => {
                return Err(GrammarError::new(
                    ErrorKind::Unknown {
                        what: "link target",
                        name: other.to_string(),
                        suggestion: super::error::suggest(other, TARGETS),
                    },
                    name.span,
                ))
            }
        })
    }

    fn lex_expr(&mut self) -> PResult<LexExpr> {
        let mut left = self.lex_term()?;
        let mut terms = 1;
        loop {
            if terms >= MAX_LEXICON_TERMS
                && matches!(
                    self.peek(),
                    Some(Token {
                        tok: Tok::Punct("+" | "-"),
                        ..
                    })
                )
            {
                return Err(GrammarError::new(
                    ErrorKind::Invalid(format!(
                        "a lexicon joins at most {MAX_LEXICON_TERMS} terms with `+` and `-`; \
                         put the phrases in one list or a tsv file"
                    )),
                    self.here(),
                ));
            }
            terms += 1;
            if self.eat_punct("+") {
                left = LexExpr::Union(Box::new(left), Box::new(self.lex_term()?));
            } else if self.eat_punct("-") {
                left = LexExpr::Difference(Box::new(left), Box::new(self.lex_term()?));
            } else {
                return Ok(left);
            }
        }
    }

    fn lex_term(&mut self) -> PResult<LexExpr> {
        if self.eat_punct("[") {
            let mut items = Vec::new();
            while !self.eat_punct("]") {
                items.push(self.string("a phrase in quotes or `]`")?);
                if !self.eat_punct(",") {
                    self.expect_punct("]")?;
                    break;
                }
            }
            return Ok(LexExpr::List(items));
        }
        if self.peek_ident() == Some("tsv") {
            self.pos += 1;
            self.expect_punct("(")?;
            let path = self.string("the TSV file's path in quotes")?;
            let mut filters = Vec::new();
            while self.eat_punct(",") {
                let column = self.name("a column name")?;
                let is_regex = if self.eat_punct("~") {
                    true
                } else {
                    self.expect_punct("=")?;
                    false
                };
                let value = if is_regex
                    && matches!(
                        self.peek(),
                        Some(Token {
                            tok: Tok::Regex { .. },
                            ..
                        })
                    ) {
                    let lit = self.regex()?;
                    Name {
                        text: lit.body,
                        span: lit.span,
                    }
                } else {
                    self.string("the value to compare with, in quotes")?
                };
                filters.push(TsvFilter {
                    column,
                    is_regex,
                    value,
                });
            }
            self.expect_punct(")")?;
            return Ok(LexExpr::Tsv { path, filters });
        }
        match self.peek_ident() {
            Some(_) => Ok(LexExpr::Ref(self.name("a lexicon")?)),
            None => {
                Err(self
                    .error("a list [\"...\"], tsv(\"file\", column = \"value\") or a lexicon name"))
            }
        }
    }

    fn body_opt(&mut self, rule: &Name) -> PResult<Body> {
        if matches!(
            self.peek(),
            Some(Token {
                tok: Tok::Punct("{"),
                ..
            })
        ) {
            self.body(rule)
        } else {
            Ok(Body::default())
        }
    }

    fn body(&mut self, rule: &Name) -> PResult<Body> {
        let open = self.here();
        self.expect_punct("{")?;
        let mut body = Body::default();
        // Where the `when` is, once read, and whether it was the last field read: a test word
        // right after a condition is a missing `and`, not an unknown field.
        let mut first_when: Option<Span> = None;
        let mut after_when = false;
        loop {
            if self.eat_punct("}") {
                return Ok(body);
            }
            let Some(kw) = self.peek_ident() else {
                let error = self.error("`when`, `priority`, `yes`, `no` or `}`");
                return Err(if self.peek().is_none() {
                    error.with_note_at(
                        format!("the body of `{}` is never closed; it opens at", rule.text),
                        open,
                    )
                } else {
                    error
                });
            };
            if FIELDS.contains(&kw) {
                // A field written twice would silently replace the first. `unless_next` and the
                // examples may repeat; a second `when` has a message of its own below.
                let repeats = matches!(kw, "when" | "unless_next" | "yes" | "no");
                if let Some(first) = body
                    .fields
                    .iter()
                    .find(|f| f.text == kw)
                    .filter(|_| !repeats)
                {
                    return Err(GrammarError::new(
                        ErrorKind::Invalid(format!(
                            "rule `{}` sets `{kw}` twice; the second would replace the first",
                            rule.text
                        )),
                        self.here(),
                    )
                    .with_note_at(format!("the first `{kw}` is at"), first.span));
                }
                body.fields.push(Name {
                    text: kw.to_string(),
                    span: self.here(),
                });
            }
            let follows_when = std::mem::replace(&mut after_when, false);
            let next_is_comparison = matches!(
                self.tokens.get(self.pos + 1),
                Some(Token {
                    tok: Tok::Punct("=" | "!="),
                    ..
                })
            );
            let is_test = TESTS.contains(&kw) || matches!(kw, "prev" | "next" | "sentence");
            if follows_when && is_test && (kw != "kind" || next_is_comparison) {
                return Err(self
                    .error("`and`, `or` or the end of the condition")
                    .with_note("join the tests of a condition with `and` or `or`"));
            }
            match kw {
                "when" => {
                    if let Some(first) = first_when {
                        return Err(GrammarError::new(
                            ErrorKind::Invalid(format!(
                                "rule `{}` has two `when` conditions; join them with `and`",
                                rule.text
                            )),
                            self.here(),
                        )
                        .with_note_at("the first `when` is at", first));
                    }
                    first_when = Some(self.here());
                    self.pos += 1;
                    body.when = Some(self.cond()?);
                    after_when = true;
                }
                "priority" => {
                    self.pos += 1;
                    let (n, span) = self.number("a priority (a whole number)")?;
                    if n.fract() != 0.0 {
                        return Err(GrammarError::new(
                            ErrorKind::Invalid(format!("priority must be a whole number, not {n}")),
                            span,
                        ));
                    }
                    if n.abs() > MAX_PRIORITY {
                        return Err(GrammarError::new(
                            ErrorKind::Invalid(format!(
                                "priority must be between -{MAX_PRIORITY} and {MAX_PRIORITY}, not {n}"
                            )),
                            span,
                        ));
                    }
                    body.priority = n as i32;
                }
                "min_words" => {
                    self.pos += 1;
                    body.min_words = Some(self.count("min_words")?);
                }
                "after_comma" => {
                    self.pos += 1;
                    body.after_comma = true;
                }
                "unless_next" => {
                    self.pos += 1;
                    body.unless_next.push(self.name("a pattern name")?);
                }
                "only_next" => {
                    self.pos += 1;
                    body.only_next = Some(self.name("a pattern name")?);
                }
                "unless_prev" => {
                    self.pos += 1;
                    body.unless_prev = Some(self.name("a pattern name")?);
                }
                "clause_goes_on" => {
                    self.pos += 1;
                    body.clause_goes_on = Some(self.name("a pattern name")?);
                }
                "yes" | "no" => {
                    self.pos += 1;
                    let text = self.string("an example sentence in quotes")?;
                    body.examples.push(Example {
                        positive: kw == "yes",
                        text: text.text,
                        span: text.span,
                    });
                }
                // The next item's keyword: the body before it was never closed.
                item if ITEM_KEYWORDS.contains(&item) || item == "disable" => {
                    return Err(self
                        .error("`}`")
                        .with_note("the rule body above is missing its closing `}`"));
                }
                other => {
                    let span = self.here();
                    return Err(GrammarError::new(
                        ErrorKind::Unknown {
                            what: "rule field",
                            name: other.to_string(),
                            suggestion: super::error::suggest(other, FIELDS),
                        },
                        span,
                    ));
                }
            }
        }
    }

    fn cond(&mut self) -> PResult<Cond> {
        let mut parts = vec![self.conj()?];
        while self.eat_keyword("or") {
            parts.push(self.conj()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Cond::Or(parts)
        })
    }

    fn conj(&mut self) -> PResult<Cond> {
        let mut parts = vec![self.unary()?];
        while self.eat_keyword("and") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Cond::And(parts)
        })
    }

    fn unary(&mut self) -> PResult<Cond> {
        if self.eat_keyword("not") {
            return self.nested(|p| p.unary()).map(|c| Cond::Not(Box::new(c)));
        }
        self.atom()
    }

    /// Runs `parse` one level deeper, refusing to go past [`MAX_CONDITION_DEPTH`].
    fn nested(&mut self, parse: impl FnOnce(&mut Self) -> PResult<Cond>) -> PResult<Cond> {
        if self.depth >= MAX_CONDITION_DEPTH {
            return Err(GrammarError::new(
                ErrorKind::Invalid(format!(
                    "the condition nests deeper than {MAX_CONDITION_DEPTH} levels of `not`, `(` and `prev.`/`next.`/`sentence.`"
                )),
                self.here(),
            ));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn atom(&mut self) -> PResult<Cond> {
        if self.eat_punct("(") {
            let c = self.nested(|p| p.cond())?;
            self.expect_punct(")")?;
            return Ok(c);
        }
        let start = self.here();
        let Some(word) = self.peek_ident() else {
            return Err(
                self.error("a condition (starts_with, contains, matches, first_in, role, ...)")
            );
        };
        let neighbour = match word {
            "prev" => Some(Neighbour::Prev),
            "next" => Some(Neighbour::Next),
            "sentence" => Some(Neighbour::Sentence),
            _ => None,
        };
        if let Some(n) = neighbour {
            self.pos += 1;
            self.expect_punct(".")?;
            return self
                .nested(|p| p.atom())
                .map(|c| Cond::Neighbour(n, Box::new(c)));
        }
        self.pos += 1;
        let test = match word {
            "starts_with" => Test::StartsWith(self.name("a lexicon name")?),
            "contains" => Test::Contains(self.name("a lexicon name")?),
            "ends_with" => Test::EndsWith(self.name("a lexicon name")?),
            "matches" => {
                if matches!(
                    self.peek(),
                    Some(Token {
                        tok: Tok::Regex { .. },
                        ..
                    })
                ) {
                    Test::Matches(PatternRef::Inline(self.regex()?))
                } else {
                    Test::Matches(PatternRef::Named(self.name("a pattern name or a regex")?))
                }
            }
            "first_in" => Test::FirstIn(self.scope()?),
            "last_in" => Test::LastIn(self.scope()?),
            "in" => Test::In(self.region()?),
            "echoes" => Test::Echoes(self.echoed_region()?),
            "is_thesis" => Test::IsThesis,
            "role" => {
                let negated = if self.eat_punct("!=") {
                    true
                } else {
                    self.expect_punct("=")?;
                    false
                };
                let role = self.role()?;
                let span = Span::new(self.file, start.start, self.tokens[self.pos - 1].span.end);
                let test = Cond::Test(Test::RoleIs(role), span);
                return Ok(if negated {
                    Cond::Not(Box::new(test))
                } else {
                    test
                });
            }
            "kind" => {
                let negated = if self.eat_punct("!=") {
                    true
                } else {
                    self.expect_punct("=")?;
                    false
                };
                let kind = self.kind()?;
                let span = Span::new(self.file, start.start, self.tokens[self.pos - 1].span.end);
                let test = Cond::Test(Test::KindIs(kind), span);
                return Ok(if negated {
                    Cond::Not(Box::new(test))
                } else {
                    test
                });
            }
            "words" => {
                if self.eat_punct("<") {
                    Test::WordsBelow(self.count("a word count")?)
                } else if self.eat_punct(">") {
                    Test::WordsAbove(self.count("a word count")?)
                } else {
                    return Err(self.error("`<` or `>`"));
                }
            }
            other => {
                return Err(GrammarError::new(
                    ErrorKind::Unknown {
                        what: "condition",
                        name: other.to_string(),
                        suggestion: super::error::suggest(
                            other,
                            TESTS.iter().copied().chain(["prev", "next", "sentence"]),
                        ),
                    },
                    start,
                ))
            }
        };
        let end = self
            .tokens
            .get(self.pos.saturating_sub(1))
            .map_or(start.end, |t| t.span.end);
        Ok(Cond::Test(test, Span::new(self.file, start.start, end)))
    }

    fn scope(&mut self) -> PResult<Scope> {
        let name = self.name("sentence, paragraph, section or document")?;
        match name.text.as_str() {
            "sentence" => Ok(Scope::Sentence),
            "paragraph" => Ok(Scope::Paragraph),
            "section" => Ok(Scope::Section),
            "document" => Ok(Scope::Document),
            other => Err(GrammarError::new(
                ErrorKind::Unknown {
                    what: "scope",
                    name: other.to_string(),
                    suggestion: super::error::suggest(
                        other,
                        ["sentence", "paragraph", "section", "document"],
                    ),
                },
                name.span,
            )),
        }
    }

    /// What a unit can echo: the title or the standfirst, the two texts that announce the
    /// thesis. `echoes body` or `echoes quotation` would parse as a region and never fire.
    fn echoed_region(&mut self) -> PResult<Region> {
        let name = self.name("title or standfirst")?;
        match name.text.as_str() {
            "title" => Ok(Region::Title),
            "standfirst" => Ok(Region::Standfirst),
            other => Err(GrammarError::new(
                ErrorKind::Unknown {
                    what: "region to echo",
                    name: other.to_string(),
                    suggestion: super::error::suggest(other, ["title", "standfirst"]),
                },
                name.span,
            )
            .with_note(
                "a unit can echo the title or the standfirst; `in` tests the other regions",
            )),
        }
    }

    fn region(&mut self) -> PResult<Region> {
        let name =
            self.name("title, standfirst, body, introduction, conclusion, quotation or list_item")?;
        match name.text.as_str() {
            "title" => Ok(Region::Title),
            "standfirst" => Ok(Region::Standfirst),
            "body" => Ok(Region::Body),
            "introduction" => Ok(Region::Introduction),
            "conclusion" => Ok(Region::Conclusion),
            "quotation" => Ok(Region::Quotation),
            "list_item" => Ok(Region::ListItem),
            other => Err(GrammarError::new(
                ErrorKind::Unknown {
                    what: "region",
                    name: other.to_string(),
                    suggestion: super::error::suggest(
                        other,
                        [
                            "title",
                            "standfirst",
                            "body",
                            "introduction",
                            "conclusion",
                            "quotation",
                            "list_item",
                        ],
                    ),
                },
                name.span,
            )),
        }
    }
}

fn unknown_role(name: &Name) -> GrammarError {
    GrammarError::new(
        ErrorKind::Unknown {
            what: "role",
            name: name.text.clone(),
            suggestion: super::error::suggest(&name.text, Role::ALL.iter().map(|r| r.as_str())),
        },
        name.span,
    )
    .with_note("roles are thesis, claim, premise, evidence, counterclaim, rebuttal, background")
}

fn unknown_kind(name: &Name) -> GrammarError {
    GrammarError::new(
        ErrorKind::Unknown {
            what: "kind",
            name: name.text.clone(),
            suggestion: super::error::suggest(&name.text, Kind::ALL.iter().map(|k| k.as_str())),
        },
        name.span,
    )
    .with_note("kinds are policy, value, fact, statistic, testimony, reference")
}
