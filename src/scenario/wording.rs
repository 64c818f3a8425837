//! Messages of the YAML parser and of serde, said in a scenario writer's words.

/// A parser message in the user's words: the parser's budget and depth limits, and
/// serde's untagged-enum wording, are said as what a scenario may hold.
pub(super) fn plain(text: &str) -> String {
    const TOO_BIG: &str = "the YAML is larger or more deeply nested than a scenario can be (too many values once anchors and aliases such as &a and *a are expanded, or too many levels)";
    if text.contains("too large or too complex") || text.contains("recursion limit") {
        return TOO_BIG.to_string();
    }
    // The YAML parser's own phrases, in a scenario writer's words.
    for (theirs, ours) in [
        (
            "tabs disallowed within this context (block indentation)",
            "a tab indents this line; YAML indents with spaces only",
        ),
        (
            "unexpected character: `\u{0}'",
            "a NUL byte: a scenario is text",
        ),
        ("expected string scalar", "expected a name (text) here"),
    ] {
        if text.contains(theirs) {
            return text.replace(theirs, ours);
        }
    }
    if text.contains("untagged enum NodeSet") {
        return text.replace(
            "data did not match any variant of untagged enum NodeSet",
            "nodes is neither a list of node ids (such as [0, 3]) nor a fraction of the nodes (such as 0.25)",
        );
    }
    super::hint_unknown_key(text)
}

/// Levenshtein distance, for suggesting the key a typo meant.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
