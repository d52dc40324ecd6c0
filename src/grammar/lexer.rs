//! Tokens of the rule language, each with its byte span in the rule file.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser};

use super::error::{ErrorKind, GrammarError};
use super::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    /// Regex body with escapes of `/` undone, the flags, and for every byte of the body the
    /// offset in the file it came from (so regex errors point into the rule file).
    Regex {
        body: String,
        flags: String,
        origin: Vec<usize>,
    },
    Number(f64),
    Punct(&'static str),
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Regex { body, .. } => format!("regex /{body}/"),
            Tok::Number(n) => format!("number {n}"),
            Tok::Punct(p) => format!("`{p}`"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const PUNCTS: [&str; 16] = [
    "->", "!=", "<=", ">=", "=", "~", "+", "-", "[", "]", "(", ")", "{", "}", ",", ":",
];
const PUNCTS_1: [&str; 4] = [".", "<", ">", ";"];

fn skip_trivia(input: &str) -> IResult<&str, ()> {
    let mut rest = input;
    loop {
        let (r, _) = take_while(char::is_whitespace).parse(rest)?;
        rest = r;
        if let Ok((r, _)) = pair(
            char::<&str, nom::error::Error<&str>>('#'),
            take_till(|c| c == '\n'),
        )
        .parse(rest)
        {
            rest = r;
            continue;
        }
        return Ok((rest, ()));
    }
}

fn ident(input: &str) -> IResult<&str, &str> {
    recognize(pair(
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(input)
}

/// `3`, `-0.25`, `1e-3`, `2.5E+2`.
fn number(input: &str) -> IResult<&str, &str> {
    recognize((
        opt(char('-')),
        digit1,
        opt(pair(char('.'), digit1)),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(input)
}

/// How numbers are written, for the message about one that is not.
const NUMBER_FORMS: &str = "numbers are written like 0.5, 3, -0.25 or 1e-3";

/// Whether `c`, right after a number, makes the number malformed (`0.5x`, `1e`, `1.`, `1.5.3`).
fn continues_number(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

fn punct(input: &str) -> IResult<&str, &'static str> {
    for p in PUNCTS.iter().chain(PUNCTS_1.iter()) {
        if let Ok((rest, _)) = tag::<&str, &str, nom::error::Error<&str>>(*p).parse(input) {
            return Ok((rest, p));
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        input,
        nom::error::ErrorKind::Tag,
    )))
}

/// Splits a rule file into tokens. `file` indexes the source map used for error positions.
pub fn tokenize(file: usize, src: &str) -> Result<Vec<Token>, GrammarError> {
    let mut tokens = Vec::new();
    let mut rest = src;
    let offset = |r: &str| src.len() - r.len();
    loop {
        let (r, ()) = skip_trivia(rest).map_err(|_| {
            GrammarError::new(
                ErrorKind::UnexpectedCharacter('#'),
                Span::point(file, offset(rest)),
            )
        })?;
        rest = r;
        let Some(c) = rest.chars().next() else {
            break;
        };
        let start = offset(rest);
        if c == '"' {
            let (tok, r) = string(file, src, start)?;
            tokens.push(Token {
                tok,
                span: Span::new(file, start, offset(r)),
            });
            rest = r;
            continue;
        }
        if c == '/' {
            let (tok, r) = regex(file, src, start)?;
            tokens.push(Token {
                tok,
                span: Span::new(file, start, offset(r)),
            });
            rest = r;
            continue;
        }
        if c == '-' || c.is_ascii_digit() {
            if let Ok((r, n)) = number(rest) {
                if r.starts_with(continues_number) {
                    // The whole malformed word, so the caret covers what was meant as a number.
                    let len = r.find(|c| !continues_number(c)).unwrap_or(r.len());
                    let end = offset(r) + len;
                    return Err(GrammarError::new(
                        ErrorKind::Invalid(format!(
                            "`{}` is not a number; {NUMBER_FORMS}",
                            &src[start..end]
                        )),
                        Span::new(file, start, end),
                    ));
                }
                if let Ok(value) = n.parse::<f64>() {
                    let span = Span::new(file, start, offset(r));
                    if !value.is_finite() {
                        return Err(GrammarError::new(
                            ErrorKind::Invalid(
                                "this number is too large; numbers must be finite (at most about 1.8e308)"
                                    .into(),
                            ),
                            span,
                        ));
                    }
                    tokens.push(Token {
                        tok: Tok::Number(value),
                        span,
                    });
                    rest = r;
                    continue;
                }
            }
        }
        // `.5`: a number without its leading zero.
        if c == '.' && rest[1..].starts_with(|d: char| d.is_ascii_digit()) {
            let len = rest[1..]
                .find(|c| !continues_number(c))
                .map_or(rest.len(), |p| p + 1);
            return Err(GrammarError::new(
                ErrorKind::Invalid(format!(
                    "`{}` is not a number; {NUMBER_FORMS}",
                    &rest[..len]
                )),
                Span::new(file, start, start + len),
            ));
        }
        if let Ok((r, id)) = ident(rest) {
            tokens.push(Token {
                tok: Tok::Ident(id.to_string()),
                span: Span::new(file, start, offset(r)),
            });
            rest = r;
            continue;
        }
        if let Ok((r, p)) = alt((punct,)).parse(rest) {
            tokens.push(Token {
                tok: Tok::Punct(p),
                span: Span::new(file, start, offset(r)),
            });
            rest = r;
            continue;
        }
        return Err(GrammarError::new(
            ErrorKind::UnexpectedCharacter(c),
            Span::new(file, start, start + c.len_utf8()),
        ));
    }
    Ok(tokens)
}

fn string(file: usize, src: &str, start: usize) -> Result<(Tok, &str), GrammarError> {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        let at = start + 1 + i;
        match c {
            '"' => return Ok((Tok::Str(out), &src[at + 1..])),
            '\n' => break,
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((j, other)) => {
                    let at = start + 1 + j;
                    return Err(GrammarError::new(
                        ErrorKind::UnknownEscape(other),
                        Span::new(file, at - 1, at + other.len_utf8()),
                    ));
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    let line_end = src[start..].find('\n').map_or(src.len(), |p| start + p);
    Err(GrammarError::new(
        ErrorKind::UnterminatedString,
        Span::new(file, start, line_end.max(start + 1)),
    ))
}

fn regex(file: usize, src: &str, start: usize) -> Result<(Tok, &str), GrammarError> {
    let mut body = String::new();
    let mut origin = Vec::new();
    let mut chars = src[start + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = start + 1 + i;
        match c {
            '/' => {
                let after = &src[at + 1..];
                let (rest, flags) = take_while::<_, &str, nom::error::Error<&str>>(|c: char| {
                    c.is_ascii_alphabetic()
                })
                .parse(after)
                .unwrap_or((after, ""));
                if let Some(bad) = flags
                    .chars()
                    .find(|f| !matches!(f, 'i' | 'm' | 's' | 'x' | 'u'))
                {
                    let p = at + 1 + flags.find(bad).unwrap_or(0);
                    return Err(GrammarError::new(
                        ErrorKind::UnknownRegexFlag(bad),
                        Span::new(file, p, p + 1),
                    ));
                }
                return Ok((
                    Tok::Regex {
                        body,
                        flags: flags.to_string(),
                        origin,
                    },
                    rest,
                ));
            }
            '\n' => break,
            '\\' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                let (j, _) = chars.next().unwrap_or((i + 1, '/'));
                body.push('/');
                origin.push(start + 1 + j);
            }
            c => {
                for k in 0..c.len_utf8() {
                    origin.push(at + k);
                }
                body.push(c);
            }
        }
    }
    let line_end = src[start..].find('\n').map_or(src.len(), |p| start + p);
    Err(GrammarError::new(
        ErrorKind::UnterminatedRegex,
        Span::new(file, start, line_end.max(start + 1)),
    ))
}
