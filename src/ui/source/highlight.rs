//! Go syntax colours for one source line: keywords, string and rune
//! literals, comments; a line number in front and the frame's line on a
//! highlighted background. A line at a time (block comments and raw
//! strings spanning lines are coloured only where they start and end).

use crate::ui::palette;
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Ui};

/// Go's keywords.
pub const KEYWORDS: [&str; 25] = [
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// The kinds of token coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// Anything else.
    Plain,
    /// A keyword.
    Keyword,
    /// A string or rune literal.
    Literal,
    /// A comment.
    Comment,
}

/// Splits a line into (token, text) runs.
pub fn tokens(line: &str) -> Vec<(Token, &str)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut plain) = (0, 0);
    while i < b.len() {
        let c = b[i];
        let (kind, end) = if c == b'/' && b.get(i + 1) == Some(&b'/') {
            (Token::Comment, b.len())
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let e = line[i + 2..].find("*/").map_or(b.len(), |k| i + 2 + k + 2);
            (Token::Comment, e)
        } else if c == b'"' || c == b'\'' || c == b'`' {
            let mut e = i + 1;
            while e < b.len() && b[e] != c {
                e += if b[e] == b'\\' && c != b'`' { 2 } else { 1 };
            }
            (Token::Literal, (e + 1).min(b.len()))
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let mut e = i + 1;
            while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
                e += 1;
            }
            let word = &line[i..e];
            let prev_dot = i > 0 && b[i - 1] == b'.';
            if KEYWORDS.contains(&word) && !prev_dot {
                (Token::Keyword, e)
            } else {
                i = e;
                continue;
            }
        } else {
            i += 1;
            continue;
        };
        if plain < i {
            out.push((Token::Plain, &line[plain..i]));
        }
        out.push((kind, &line[i..end]));
        i = end;
        plain = end;
    }
    if plain < b.len() {
        out.push((Token::Plain, &line[plain..]));
    }
    out
}

/// A numbered, coloured line (`current`: the frame's line, highlighted).
pub fn line_job(ui: &Ui, number: u32, line: &str, current: bool) -> LayoutJob {
    let font = FontId::monospace(12.0);
    let text_colour = ui.visuals().text_color();
    let bg = if current {
        palette::SOURCE_LINE_BG
    } else {
        Color32::TRANSPARENT
    };
    let fmt = |color: Color32| TextFormat {
        font_id: font.clone(),
        color,
        background: bg,
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    let marker = if current { "»" } else { " " };
    job.append(
        &format!("{marker}{number:>5}  "),
        0.0,
        fmt(palette::TEXT_DIM),
    );
    for (kind, text) in tokens(line) {
        let color = match kind {
            Token::Plain => text_colour,
            Token::Keyword => palette::SOURCE_KEYWORD,
            Token::Literal => palette::SOURCE_STRING,
            Token::Comment => palette::SOURCE_COMMENT,
        };
        job.append(text, 0.0, fmt(color));
    }
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_keywords_literals_and_comments() {
        let t = tokens(r#"	select { case <-ch: fmt.Println("a \" b") } // wait"#);
        let kinds: Vec<_> = t.iter().filter(|x| x.0 != Token::Plain).collect();
        assert_eq!(
            kinds,
            vec![
                &(Token::Keyword, "select"),
                &(Token::Keyword, "case"),
                &(Token::Literal, r#""a \" b""#),
                &(Token::Comment, "// wait"),
            ]
        );
        assert_eq!(
            t.iter().map(|x| x.1).collect::<String>(),
            r#"	select { case <-ch: fmt.Println("a \" b") } // wait"#
        );
        assert!(
            tokens("x.go()").iter().all(|x| x.0 == Token::Plain),
            "a method named like a keyword"
        );
    }
}
