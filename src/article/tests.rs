use super::*;

fn sentences_of(text: &str) -> Vec<String> {
    let article = Article::parse("t", text);
    article
        .sentences
        .iter()
        .map(|s| article.slice(&s.span).to_string())
        .collect()
}

#[test]
fn abbreviations_initials_and_decimals_do_not_end_sentences() {
    let got = sentences_of(
        "Mr. J. R. Smith of the U.S. Treasury said growth was 3.5 percent, e.g. in Jan. 2021. \
         Dr. Lee disagreed. No. 10 stayed silent.",
    );
    assert_eq!(
        got,
        vec![
            "Mr. J. R. Smith of the U.S. Treasury said growth was 3.5 percent, e.g. in Jan. 2021.",
            "Dr. Lee disagreed.",
            "No. 10 stayed silent.",
        ]
    );
}

#[test]
fn a_german_closing_quote_stays_with_its_sentence() {
    let got =
        sentences_of("Sie sagte: „Wir schaffen das.“ The plan failed. „Warum?“ Keiner wusste es.");
    assert_eq!(
        got,
        vec![
            "Sie sagte: „Wir schaffen das.“",
            "The plan failed.",
            "„Warum?“",
            "Keiner wusste es."
        ]
    );
}

#[test]
fn dotted_acronym_ends_a_sentence_before_a_sentence_opener() {
    let got = sentences_of("Talks stalled in the U.S. The allies waited.");
    assert_eq!(got, vec!["Talks stalled in the U.S.", "The allies waited."]);
}

#[test]
fn a_terminator_without_a_space_ends_a_sentence_before_the_pronoun_i() {
    let got = sentences_of(
        "It is not fair to pay more than I owe.I am against it.It is a pain!I had calls.Is it fair?I'm tired. Then Yahoo!Mail and Item.I2 stayed.",
    );
    assert_eq!(
        got,
        vec![
            "It is not fair to pay more than I owe.",
            "I am against it.",
            "It is a pain!",
            "I had calls.",
            "Is it fair?",
            "I'm tired.",
            "Then Yahoo!Mail and Item.I2 stayed.",
        ]
    );
    let got =
        sentences_of("They want to belong to a group...Get it out of schools. Shut it…if we can.");
    assert_eq!(
        got,
        vec![
            "They want to belong to a group...",
            "Get it out of schools.",
            "Shut it…if we can.",
        ]
    );
}

#[test]
fn a_period_without_a_space_still_ends_a_sentence_between_words() {
    let got = sentences_of(
        "Notice is no benefit.My experience differs. See example.com, the U.S.Army or e.g.Smith.",
    );
    assert_eq!(
        got,
        vec![
            "Notice is no benefit.",
            "My experience differs.",
            "See example.com, the U.S.Army or e.g.Smith.",
        ]
    );
}

#[test]
fn quotes_and_ellipses() {
    let got = sentences_of(
        "He said “we will not move.” Then he left. She asked, \"Is it over?\" nobody replied. \
         It expressed readiness to shut the site...if the US acted. Wait... Then it came.",
    );
    assert_eq!(
        got,
        vec![
            "He said “we will not move.”",
            "Then he left.",
            "She asked, \"Is it over?\" nobody replied.",
            "It expressed readiness to shut the site...if the US acted.",
            "Wait...",
            "Then it came.",
        ]
    );
}

#[test]
fn reference_article_shape() {
    let text = include_str!("../../corpus/ipcs-us-north-korea-2018.txt");
    let article = Article::parse("ipcs", text);
    let kinds: Vec<BlockKind> = article.blocks.iter().map(|b| b.kind).collect();
    use BlockKind::*;
    assert_eq!(
        &kinds[..6],
        &[Title, Meta, Standfirst, Byline, Byline, AuthorRole]
    );
    assert_eq!(kinds.last(), Some(&AuthorNote));
    let headings: Vec<&str> = article
        .headings
        .iter()
        .map(|&h| article.slice(&article.blocks[h].span))
        .collect();
    assert_eq!(headings, vec!["Broken Promises", "US Nuclear Diplomacy"]);
    assert_eq!(
        article.title(),
        Some("US-North Korea Nuclear Diplomacy: Contexualising the Third Inter-Korean Meet")
    );
}

#[test]
fn markdown_shape() {
    let text = "# Why it matters\n\n*A short standfirst that argues a point.*\n\nBy Jane Doe, economist\n\n## First\n\nBody one. Body two.\n\n## Second\nBody three.\n";
    let article = Article::parse("md", text);
    let kinds: Vec<(BlockKind, &str)> = article
        .blocks
        .iter()
        .map(|b| (b.kind, article.slice(&b.span)))
        .collect();
    use BlockKind::*;
    assert_eq!(
        kinds,
        vec![
            (Title, "Why it matters"),
            (Standfirst, "A short standfirst that argues a point."),
            (Byline, "By Jane Doe, economist"),
            (Heading, "First"),
            (Paragraph, "Body one. Body two."),
            (Heading, "Second"),
            (Paragraph, "Body three."),
        ]
    );
}

#[test]
fn bare_paragraphs_are_all_body() {
    let text = "Cities should price congestion. It works.\n\nCritics disagree. They are wrong.\n";
    let article = Article::parse("bare", text);
    assert!(article
        .blocks
        .iter()
        .all(|b| b.kind == BlockKind::Paragraph));
    assert_eq!(article.sentences.len(), 4);
}

#[test]
fn clauses_cut_at_punctuation_but_not_in_numbers() {
    let text = "Although 1,200 people came, the hall was empty; nobody — not one — stayed.";
    let article = Article::parse("c", text);
    let clauses: Vec<&str> = article.sentences[0]
        .clauses
        .iter()
        .map(|c| article.slice(c))
        .collect();
    assert_eq!(
        clauses,
        vec![
            "Although 1,200 people came,",
            "the hall was empty;",
            "nobody —",
            "not one —",
            "stayed."
        ]
    );
}

#[test]
fn char_offsets_count_scalar_values() {
    let article = Article::parse("c", "Café “x”. Next one.");
    let second = &article.sentences[1].span;
    assert_eq!(article.char_offset(second.start), 10);
    assert_eq!(article.byte_offset(10), second.start);
}

#[test]
fn decode_rejects_bad_input_with_positions() {
    assert_eq!(decode_input(b""), Err(InputError::Empty));
    assert_eq!(decode_input(b"\xEF\xBB\xBF"), Err(InputError::Empty));
    assert_eq!(decode_input(b" \n\t"), Err(InputError::Blank));
    assert!(matches!(
        decode_input(b"ab\ncd\xffe"),
        Err(InputError::InvalidUtf8 {
            byte: 0xff,
            offset: 5,
            line: 2,
            column: 3
        })
    ));
    assert!(matches!(
        decode_input(b"a\0b"),
        Err(InputError::Binary { offset: 1, .. })
    ));
    assert_eq!(decode_input(b"\xEF\xBB\xBFhi").as_deref(), Ok("hi"));
}

#[test]
fn short_lines_after_a_line_ending_in_a_colon_are_the_items_of_its_list() {
    let article = Article::parse(
        "t",
        "Small shops pay more for permits than chains do.\n\n\
         This gap hurts small shops in three ways:\n\
         A shop pays the same fee whatever it sells.\n\
         Each renewal takes a day of the owner's time.\n\
         Chains spread the cost over many stores.\n\n\
         The council should scale the fee to sales, as other towns do, and it should do so before \
         the next renewal round begins in the spring of next year.",
    );
    let items: Vec<&str> = article
        .markup
        .list_items
        .iter()
        .map(|&b| article.slice(&article.blocks[b].span))
        .collect();
    assert_eq!(
        items,
        vec![
            "A shop pays the same fee whatever it sells.",
            "Each renewal takes a day of the owner's time.",
            "Chains spread the cost over many stores.",
        ]
    );
}

#[test]
fn a_blank_line_after_a_colon_starts_no_list() {
    // "The reason is simple:" set off by blank lines from what follows is a sentence of the
    // body, and so are the short paragraphs after it.
    let article = Article::parse(
        "t",
        "The reason is simple:\n\nthe fee is too high.\n\nThe council should cut it this year.",
    );
    assert!(article.markup.list_items.is_empty());
    // One line under the colon is an answer, not a list.
    let lone = Article::parse(
        "t",
        "The reason is simple:\nThe fee is too high.\n\nThe council should cut it this year.",
    );
    assert!(lone.markup.list_items.is_empty());
}
