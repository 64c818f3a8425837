//! `--set key.path=value`: one key of the parsed tree replaced before the schema
//! reads it (sweep points are made the same way).

use super::ScenarioError;
use serde_json::Value;

/// Sets `a.b.c=value` in the parsed tree; the value is read as YAML so that numbers,
/// lists and units all work. The key must exist in the schema (checked when the tree is
/// deserialized, which rejects unknown keys).
pub(crate) fn apply_override(tree: &mut Value, assignment: &str) -> Result<(), ScenarioError> {
    let (path, raw) = assignment.split_once('=').ok_or_else(|| {
        ScenarioError(format!(
            "--set {assignment:?}: expected key.path=value, such as network.nodes=500"
        ))
    })?;
    let value: Value = serde_saphyr::from_str(raw).map_err(|e| {
        ScenarioError(format!(
            "--set {path}: cannot read the value {raw:?}: {}",
            super::load::one_line(&e)
        ))
    })?;
    if path.contains(['[', ']']) || path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(ScenarioError(format!(
            "--set {assignment:?}: name the key by its path, with list entries by number, such as attacks.0.hashrate=0.3"
        )));
    }
    let mut node = tree;
    let keys: Vec<&str> = path.split('.').collect();
    for (i, key) in keys.iter().enumerate() {
        let last = i + 1 == keys.len();
        // A number indexes a list, as in attacks.0.confirmations.
        if let (true, Ok(index)) = (node.is_array(), key.parse::<usize>()) {
            let list = node.as_array_mut().expect("checked");
            let len = list.len();
            let slot = list.get_mut(index).ok_or_else(|| {
                ScenarioError(format!(
                    "--set {path}: {} has {len} entries, so there is no entry {index}",
                    keys[..i].join(".")
                ))
            })?;
            if last {
                put(slot, value);
                return Ok(());
            }
            node = slot;
            continue;
        }
        let here = keys[..i].join(".");
        if key.parse::<usize>().is_ok() {
            return Err(ScenarioError(format!(
                "--set {path}: {here} is not a list in this scenario, so it has no entry {key} (add the entries to the file first)"
            )));
        }
        let map = node
            .as_object_mut()
            .ok_or_else(|| ScenarioError(format!("--set {path}: {here} is not a section")))?;
        if last {
            match map.get_mut(*key) {
                Some(slot) => put(slot, value),
                None => {
                    map.insert((*key).to_string(), value);
                }
            }
            return Ok(());
        }
        node = map
            .entry(key.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
    Ok(())
}

/// A mapping given for a section adds to it key by key (`network={nodes: 20}` changes
/// the nodes and keeps the rest of the section), unless it names another `kind` (a
/// topology or an attack of another kind starts afresh); an empty mapping empties the
/// section (`sweep={}`: no sweep); anything else replaces.
fn put(slot: &mut Value, value: Value) {
    let Value::Object(new) = value else {
        *slot = value;
        return;
    };
    if new.is_empty() {
        *slot = Value::Object(new);
        return;
    }
    let same_kind = |old: &serde_json::Map<String, Value>| {
        new.get("kind").is_none_or(|k| old.get("kind") == Some(k))
    };
    match slot {
        Value::Object(old) if same_kind(old) => {
            for (k, v) in new {
                match old.get_mut(&k) {
                    Some(inner) => put(inner, v),
                    None => {
                        old.insert(k, v);
                    }
                }
            }
        }
        _ => *slot = Value::Object(new),
    }
}
