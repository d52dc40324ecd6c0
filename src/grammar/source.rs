//! Rule files and positions in them.

use std::path::PathBuf;

/// A byte range in one of the loaded rule files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: usize, start: usize, end: usize) -> Span {
        Span { file, start, end }
    }
    pub fn point(file: usize, at: usize) -> Span {
        Span::new(file, at, at)
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (or `<built-in>/…` for the embedded default grammar).
    pub name: String,
    pub text: String,
    /// Directory that relative `tsv(...)` and `import` paths are resolved against; `None` for
    /// the embedded default grammar, whose companions are embedded too.
    pub dir: Option<PathBuf>,
}

/// All rule files read so far, so that a span can be shown with its line.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pub files: Vec<SourceFile>,
    /// Files from this index on (a grammar sent over the network, and what it imports) may
    /// only read files inside the directory: see [`crate::grammar::InlineRules::confined`].
    pub confined: Option<(usize, PathBuf)>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> usize {
        self.files.push(file);
        self.files.len() - 1
    }

    /// (line, column), both 1-based; columns count characters.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        crate::position::line_col(&self.files[span.file].text, span.start)
    }

    pub fn location(&self, span: Span) -> String {
        let (line, col) = self.line_col(span);
        format!("{}:{}:{}", self.files[span.file].name, line, col)
    }

    /// `file:line`, the short form used in rule listings.
    pub fn file_line(&self, span: Span) -> String {
        let (line, _) = self.line_col(span);
        format!("{}:{}", self.files[span.file].name, line)
    }

    pub fn line_text(&self, span: Span) -> &str {
        let text = &self.files[span.file].text;
        let at = span.start.min(text.len());
        let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |p| at + p);
        &text[line_start..line_end]
    }
}
