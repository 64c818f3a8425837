//! Reading a scenario: the file (bounded, a regular file only), the YAML (one
//! document, no duplicate keys, within the parser's budget), `--set` overrides, the
//! typed schema and the value checks. Every failure is one message naming the file,
//! the line and column or the key, what was found and what is allowed; no library's
//! advice to its programmer ("set DuplicateKeyPolicy…") reaches the user.

use super::locate::{key_names, line_of_key, names_key};
use super::overrides::apply_override;
use super::wording::plain;
use super::{check, Scenario, ScenarioError, TopologySpec};
use serde_json::Value;
use serde_saphyr::{Error as YamlError, MessageFormatter, UserMessageFormatter};
use std::borrow::Cow;
use std::path::Path;

/// A scenario is a few hundred lines; a file this large is not one.
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;

impl Scenario {
    /// Reads `path`, applies `overrides` (`key.path=value`), fills defaults and checks
    /// every value, the `sweep:` grid included.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let text = crate::files::read_text_limited(path, MAX_SCENARIO_BYTES, "scenario file")
            .map_err(|e| ScenarioError(e.0))?;
        let origin = path.display().to_string();
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let sc = Self::parse_in(&text, &origin, overrides, Some(dir))?;
        sc.check_files()
            .map_err(|msg| ScenarioError(format!("{origin}: {msg}")))?;
        Ok(sc)
    }

    /// A relative topology file is read from the scenario file's directory.
    pub fn resolve_files(&mut self) {
        if let (TopologySpec::Csv { file }, Some(dir)) =
            (&mut self.network.topology, &self.source_dir)
        {
            if file.is_relative() {
                *file = dir.join(&*file);
            }
        }
    }

    /// Checks what the scenario refers to outside itself (a topology file).
    pub fn check_files(&self) -> Result<(), String> {
        if let TopologySpec::Csv { file } = &self.network.topology {
            super::topology_file::read(file, self.network.nodes)
                .map_err(|e| format!("network.topology: {e}"))?;
        }
        Ok(())
    }

    /// Parses scenario text (`origin` names it in messages), applies `overrides` and
    /// checks every value, the `sweep:` grid included.
    pub fn parse(
        text: &str,
        origin: &str,
        overrides: &[String],
    ) -> Result<Scenario, ScenarioError> {
        Self::parse_in(text, origin, overrides, None)
    }

    /// As [`Scenario::parse`], for a file in `dir` (its relative paths are read there).
    pub fn parse_in(
        text: &str,
        origin: &str,
        overrides: &[String],
        dir: Option<std::path::PathBuf>,
    ) -> Result<Scenario, ScenarioError> {
        let mut tree = yaml_tree(text, origin)?;
        for o in overrides {
            apply_override(&mut tree, o)?;
        }
        sections_are_maps(&tree).map_err(|msg| blame(origin, overrides, &msg))?;
        let mut scenario = typed(tree, text, origin, overrides)?;
        scenario.source_dir = dir;
        scenario.resolve_files();
        scenario
            .check()
            .map_err(|msg| blame(origin, overrides, &msg))?;
        if !scenario.sweep.is_empty() {
            super::sweep::check_sets(&scenario, overrides, origin)?;
            super::sweep::expand(&scenario, origin)?;
        }
        Ok(scenario)
    }
}

/// A message about a key a `--set` gave (or the section holding it) is the --set's,
/// not the file's.
fn blame(origin: &str, overrides: &[String], msg: &str) -> ScenarioError {
    let by = overrides.iter().find(|o| {
        let key = o.split_once('=').map_or(o.as_str(), |(k, _)| k);
        let top = key.split('.').next().unwrap_or(key);
        [key, top]
            .iter()
            .any(|k| msg.starts_with(&format!("{k} ")) || msg.starts_with(&format!("{k}:")))
    });
    match by {
        Some(o) => ScenarioError(format!("{origin} with --set {o}: {msg}")),
        None => ScenarioError(format!("{origin}: {msg}")),
    }
}

/// The YAML as a tree. An empty file (or one of comments only) is not a scenario:
/// running the defaults by accident would look like success.
fn yaml_tree(text: &str, origin: &str) -> Result<Value, ScenarioError> {
    let tree: Value =
        serde_saphyr::from_str(text).map_err(|e| ScenarioError(located(&e, text, origin, None)))?;
    match tree {
        Value::Object(_) => Ok(tree),
        Value::Null => Err(ScenarioError(format!(
            "{origin}: holds no scenario (it is empty or only comments); write at least `name: my-run`, and see docs/scenario.md"
        ))),
        other => Err(ScenarioError(format!(
            "{origin}: a scenario is a mapping of sections (name:, network:, ...), not {}",
            kind_of(&other)
        ))),
    }
}

/// Sections are mappings of keys: serde would otherwise read a list as the section's
/// fields in order (`stop: [5]` as 5 blocks), which nobody means.
/// Each kind of `network.topology` takes only its own keys (serde would drop the
/// others of a kind without fields, silently).
fn topology_keys(topology: &Value) -> Result<(), String> {
    let Some(kind) = topology.get("kind").and_then(Value::as_str) else {
        return Ok(()); // the typed parse names a missing or odd kind
    };
    let allowed: &[&str] = match kind {
        "random" | "regular" => &["kind"],
        "small-world" => &["kind", "rewire"],
        "csv" => &["kind", "file"],
        _ => return Ok(()),
    };
    let keys = topology.as_object().map(|m| m.keys()).into_iter().flatten();
    match keys.into_iter().find(|k| !allowed.contains(&k.as_str())) {
        Some(extra) => Err(format!(
            "network.topology.{extra} is not a key of kind {kind}; it takes {}",
            match allowed {
                [_] => "no other keys".to_string(),
                more => format!("only {}", more[1..].join(", ")),
            }
        )),
        None => Ok(()),
    }
}

fn sections_are_maps(tree: &Value) -> Result<(), String> {
    let map_at = |path: &str, v: &Value| match v {
        Value::Object(_) => Ok(()),
        other => Err(format!(
            "{path} is {}; it is a section of keys, such as {path}: {{ ... }}",
            kind_of(other)
        )),
    };
    for section in [
        "stop",
        "network",
        "consensus",
        "mining",
        "workload",
        "metrics",
        "sweep",
        "cost",
        "joining",
        "churn",
        "history",
        "eclipse",
        "routing",
    ] {
        if let Some(v) = tree.get(section).filter(|v| !v.is_null()) {
            map_at(section, v)?;
        }
    }
    if let Some(v) = tree.pointer("/network/topology") {
        map_at("network.topology", v)?;
        topology_keys(v)?;
    }
    if let Some(v) = tree.pointer("/routing/eclipse").filter(|v| !v.is_null()) {
        map_at("routing.eclipse", v)?;
    }
    for list in ["attacks", "faults"] {
        match tree.get(list) {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    map_at(&format!("{list}[{i}]"), item)?;
                }
            }
            Some(Value::Null) | None => {}
            Some(other) => {
                return Err(format!(
                    "{list} is {}; it is a list of entries, such as {list}: [ {{ kind: ... }} ]",
                    kind_of(other)
                ))
            }
        }
    }
    Ok(())
}

/// The tree as a [`Scenario`]. A type error names its key (`network.nodes`), what was
/// found and what the key allows, and where: the `--set` that gave the value, or the
/// line and column in the file.
fn typed(
    tree: Value,
    text: &str,
    origin: &str,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    let (key, said) = match from_tree(&tree) {
        Ok(scenario) => return Ok(scenario),
        Err(err) => err,
    };
    let by_override = overrides
        .iter()
        .find(|o| o.split_once('=').is_some_and(|(k, _)| same_key(k, &key)));
    if let Some(o) = by_override {
        return Err(ScenarioError(format!("{origin} with --set {o}: {said}")));
    }
    // The same error, met by the YAML parser, knows its line and column.
    match serde_saphyr::from_str::<Scenario>(text) {
        Err(e) => Err(ScenarioError(located(
            &e,
            text,
            origin,
            Some((&key, &said)),
        ))),
        Ok(_) => Err(ScenarioError(format!("{origin}: {said}"))),
    }
}

/// The tree as a [`Scenario`], or the key at fault and what is wrong with it in words.
pub(crate) fn from_tree(tree: &Value) -> Result<Scenario, (String, String)> {
    serde_path_to_error::deserialize::<_, Scenario>(tree).map_err(|err| {
        let key = err.path().to_string();
        let message = err.inner().to_string();
        let key = in_list(tree, &key, &message);
        let said = plain(&explain(&key, &message, lookup(tree, &key)));
        (key, said)
    })
}

fn same_key(set: &str, path: &str) -> bool {
    // `attacks.0.hashrate` (as --set writes it) names `attacks[0].hashrate`.
    let normal: String = path.replace('[', ".").replace(']', "");
    set == path || set == normal
}

/// serde loses the path inside `attacks:` and `faults:` entries (each is a tagged
/// enum): a bare key found in exactly one entry is given that entry's path.
fn in_list(tree: &Value, key: &str, message: &str) -> String {
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next());
    let entry =
        |k: &str| (k.starts_with("attacks[") || k.starts_with("faults[")) && k.ends_with(']');
    if entry(key) && unknown.is_none() {
        // A value of the wrong type inside an entry: serde names only the entry; the
        // field whose value the message quotes is the one at fault.
        if let Some(field) = lookup(tree, key).and_then(|e| culprit(e, message)) {
            return format!("{key}.{field}");
        }
    }
    let key = match (key, unknown) {
        (k, Some(field)) if entry(k) => return format!("{k}.{field}"),
        ("" | "attacks" | "faults", Some(field)) => field,
        _ => key,
    };
    if key.contains(['.', '[']) || key.is_empty() || tree.get(key).is_some() {
        return key.to_string();
    }
    let holders: Vec<String> = ["attacks", "faults"]
        .iter()
        .flat_map(|list| {
            let items = tree
                .get(*list)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            (items.into_iter().enumerate())
                .filter(|(_, item)| item.get(key).is_some())
                .map(move |(i, _)| format!("{list}[{i}].{key}"))
        })
        .collect();
    match holders.as_slice() {
        [one] => one.clone(),
        _ => key.to_string(),
    }
}

/// The field of an attack or fault entry whose value serde's message quotes (a string
/// as "30%", a number or a boolean as `4294967296`).
fn culprit(entry: &Value, message: &str) -> Option<String> {
    let fields = entry.as_object()?;
    let quoted = |v: &Value| match v {
        Value::String(s) => message.contains(&format!("\"{s}\"")),
        Value::Number(_) | Value::Bool(_) => message.contains(&format!("`{v}`")),
        _ => false,
    };
    let mut hits = fields.iter().filter(|(_, v)| quoted(v));
    match (hits.next(), hits.next()) {
        (Some((k, _)), None) => Some(k.clone()),
        _ => None,
    }
}

/// The value at a serde path such as `attacks[0].hashrate`, if the tree has one.
fn lookup<'a>(tree: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = tree;
    for part in path.replace('[', ".").replace(']', "").split('.') {
        if part.is_empty() {
            continue;
        }
        node = match part.parse::<usize>() {
            Ok(i) if node.is_array() => node.get(i)?,
            _ => node.get(part)?,
        };
    }
    Some(node)
}

/// serde's wording of a type error ("invalid type: string \"many\", expected u32")
/// in the user's terms: the key, what was found and what the key allows.
fn explain(key: &str, serde_message: &str, found: Option<&Value>) -> String {
    let hinted = super::hint_unknown_key(serde_message);
    let suggestion = hinted.strip_prefix(serde_message).unwrap_or("");
    if let Some(rest) = serde_message.strip_prefix("unknown field ") {
        // The path ends at the unknown key; its section is what comes before.
        let section = key
            .rsplit_once('.')
            .map_or("the top level".to_string(), |(s, _)| s.to_string());
        let listed = rest.replacen(
            ", expected one of",
            &format!(" is not a key of {section}; allowed:"),
            1,
        );
        return format!("{listed}{suggestion}");
    }
    if let Some(rest) = serde_message.strip_prefix("unknown variant ") {
        let listed = rest.replacen(", expected one of", " is not allowed; give one of", 1);
        return format!("{key}: {listed}{suggestion}");
    }
    if let Some(field) = serde_message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        let at = if key.is_empty() { "the scenario" } else { key };
        return format!("{at} needs `{field}` (docs/scenario.md lists what each entry takes)");
    }
    if serde_message.contains("variant identifier") {
        let found = found.map_or_else(|| "nothing".to_string(), show);
        return format!(
            "{key}: found {found}; give one of the names docs/scenario.md lists for it"
        );
    }
    let generic =
        serde_message.starts_with("invalid type") || serde_message.starts_with("invalid value");
    if !generic {
        return format!("{key}: {serde_message}");
    }
    // YAML reads y, n, yes, no, on and off as true and false.
    let yaml_bool = if matches!(found, Some(Value::Bool(_))) {
        " (YAML reads y, n, yes, no, on and off as true or false: quote the value, \"n\")"
    } else {
        ""
    };
    let found = found.map_or_else(|| "nothing".to_string(), show) + yaml_bool;
    match check::allowed(key) {
        Some(allowed) => format!("{key}: found {found}; allowed: {allowed}"),
        None => {
            let expected = serde_message
                .split("expected ")
                .nth(1)
                .unwrap_or(serde_message);
            // serde names Rust types; the user wrote YAML.
            let expected = match expected {
                e if e.starts_with("struct ") || e.starts_with("internally tagged enum") => {
                    "a section of keys (docs/scenario.md lists them)"
                }
                "a sequence" => "a list",
                "string or map" => "one of the values docs/scenario.md lists",
                "a string" => "text",
                "u32" | "u64" => "a whole number",
                "f64" => "a number",
                "a boolean" => "true or false",
                e => e,
            };
            format!("{key}: found {found}; expected {expected}")
        }
    }
}

fn show(v: &Value) -> String {
    // A whole number read as a float (too large for 64 bits) is shown as its digits,
    // not as 1.8446744073709552e19.
    let text = match v.as_f64() {
        Some(x) if v.is_f64() && x.fract() == 0.0 && x.abs() < 1e30 => format!("{x:.0}"),
        _ => v.to_string(),
    };
    if text.len() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "a section of keys",
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "true or false",
        _ => "that",
    }
}

/// The parser's error with its line and column and the line itself, in words for the
/// person who wrote the file (`said` replaces the parser's own wording).
fn located(err: &YamlError, text: &str, origin: &str, said: Option<(&str, &str)>) -> String {
    let err = err.without_snippet();
    let message = Wording {
        said: said.map(|(_, m)| m),
    }
    .format_message(err)
    .into_owned();
    let Some(at) = err.location().filter(|l| l.line() > 0) else {
        return format!("{origin}: {message}");
    };
    let (mut line, mut column) = (at.line(), at.column());
    // The parser stops at the first value it cannot take, which may be another key's
    // than the one the message is about: then the key's own place is looked up.
    if let Some((key, _)) = said {
        let last = key_names(key).last().copied().unwrap_or_default();
        let here = usize::try_from(line - 1)
            .ok()
            .and_then(|i| text.lines().nth(i));
        if here.is_none_or(|l| names_key(l, last).is_none()) {
            match line_of_key(text, key) {
                Some((l, c)) => (line, column) = (l as u64, c as u64),
                None => return format!("{origin}: {message}"),
            }
        }
    }
    let mut out = format!("{origin}: line {line} column {column}: {message}");
    // Where a line of the file is at hand, show it with a caret under the column.
    let source_line = usize::try_from(line - 1)
        .ok()
        .and_then(|i| text.lines().nth(i));
    if let Some(source_line) = source_line {
        let shown: String = source_line.chars().take(120).collect();
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        let caret = " ".repeat(column.saturating_sub(1).min(200) as usize);
        out.push_str(&format!("\n {gutter} | {shown}\n {pad} | {caret}^"));
    }
    out
}

/// A parser error as one line in the user's words (for `--set` values).
pub(super) fn one_line(err: &YamlError) -> String {
    let err = err.without_snippet();
    let text = Wording { said: None }.format_message(err).into_owned();
    text.lines().next().unwrap_or_default().to_string()
}

/// Messages for the parser's errors that would otherwise speak to a programmer.
struct Wording<'a> {
    said: Option<&'a str>,
}

impl MessageFormatter for Wording<'_> {
    fn format_message<'a>(&self, err: &'a YamlError) -> Cow<'a, str> {
        if let Some(said) = self.said {
            return Cow::Owned(said.to_string());
        }
        match err {
            YamlError::DuplicateMappingKey { key: Some(k), .. } => Cow::Owned(format!(
                "the key `{k}` appears twice in the same section; give each key once"
            )),
            YamlError::DuplicateMappingKey { key: None, .. } => {
                Cow::Borrowed("a key appears twice in the same section; give each key once")
            }
            YamlError::MultipleDocuments { .. } => Cow::Borrowed(
                "a second YAML document starts here (after `---`); a scenario file holds one document",
            ),
            YamlError::Budget { .. } => Cow::Borrowed(
                "the YAML is larger or more deeply nested than a scenario can be (too many values, aliases or levels)",
            ),
            other => Cow::Owned(plain(&UserMessageFormatter.format_message(other))),
        }
    }
}
