//! Where a key is written in a scenario file, found by its names: for messages about a
//! key whose place the YAML parser did not report.

/// The names along a key's path: `attacks[0].hashrate` → attacks, hashrate.
pub(super) fn key_names(key: &str) -> Vec<&str> {
    key.split(['.', '[', ']'])
        .filter(|n| !n.is_empty() && n.parse::<usize>().is_err())
        .collect()
}

/// Where `name:` is written on `line` as a key (at the start, or after `{`, `,` or `-`):
/// its 0-based byte position.
pub(super) fn names_key(line: &str, name: &str) -> Option<usize> {
    let pattern = format!("{name}:");
    line.match_indices(&pattern).map(|(i, _)| i).find(|&i| {
        line[..i]
            .trim_end()
            .chars()
            .last()
            .is_none_or(|c| matches!(c, '{' | ',' | '-'))
    })
}

/// The line and column (1-based) of `key`, found name by name down the file: each
/// name on or after its section's line. `None` where it is not written there.
pub(super) fn line_of_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let (mut at, mut column) = (0, 0);
    for name in key_names(key) {
        let found = (at..lines.len()).find_map(|i| names_key(lines[i], name).map(|c| (i, c)))?;
        (at, column) = found;
    }
    Some((at + 1, column + 1))
}
