//! The keys of a map or the items of a list in one pass, for the walks over a whole document
//! (conflicts, authorship).
//!
//! `keys` then `get` per key seeks each key in the op set from the start of the object; on a
//! 500-edit meeting that was most of a projection's CPU. A range iterator reads the object's
//! ops once and says which keys hold concurrent values.

use super::apply::item_id;
use super::read::join;
use automerge::{ObjId, ObjType, Prop, ReadDoc, Value};

/// One key of a map or item of a list, with the value the document shows.
pub(crate) struct Entry {
    /// The key or index.
    pub prop: Prop,
    /// Dotted path, list items by their `id` field where they have one: `agenda[a1]`.
    pub path: String,
    /// The value the document shows (the winner when writes were concurrent).
    pub value: Value<'static>,
    /// The operation that wrote it (the object's id for an object).
    pub id: ObjId,
    /// True when the key holds more than one concurrent value.
    pub conflict: bool,
}

/// Every key of the map `obj` (`kind` Map or Table) or item of the list `obj`, under `path`;
/// none for a text.
pub(crate) fn entries<D: ReadDoc>(doc: &D, obj: &ObjId, kind: ObjType, path: &str) -> Vec<Entry> {
    match kind {
        ObjType::Map | ObjType::Table => doc
            .map_range(obj, ..)
            .map(|item| {
                let id = item.id();
                Entry {
                    path: join(path, &item.key),
                    value: item.value.into_value(),
                    prop: Prop::Map(item.key.into_owned()),
                    id,
                    conflict: item.conflict,
                }
            })
            .collect(),
        ObjType::List => doc
            .list_range(obj, ..)
            .map(|item| {
                let id = item.id();
                let value = item.value.into_value();
                let name = match value {
                    Value::Object(ObjType::Map) => item_id(doc, &id),
                    _ => None,
                };
                Entry {
                    prop: Prop::Seq(item.index),
                    path: format!("{path}[{}]", name.unwrap_or_else(|| item.index.to_string())),
                    value,
                    id,
                    conflict: item.conflict,
                }
            })
            .collect(),
        ObjType::Text => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, AutoCommit, ROOT};

    /// What `keys`/`length` then `get` and `get_all` per key read, as (path, value, id, conflict).
    fn one_by_one(doc: &AutoCommit, obj: &ObjId, kind: ObjType, path: &str) -> Vec<String> {
        let props: Vec<Prop> = match kind {
            ObjType::List => (0..doc.length(obj)).map(Prop::Seq).collect(),
            _ => doc.keys(obj).map(Prop::Map).collect(),
        };
        props
            .into_iter()
            .map(|prop| {
                let (value, id) = doc.get(obj, prop.clone()).unwrap().unwrap();
                let name = match (&prop, &value) {
                    (Prop::Map(k), _) => join(path, k),
                    (Prop::Seq(i), Value::Object(ObjType::Map)) => {
                        format!("{path}[{}]", item_id(doc, &id).unwrap_or(i.to_string()))
                    }
                    (Prop::Seq(i), _) => format!("{path}[{i}]"),
                };
                let conflict = doc.get_all(obj, prop).unwrap().len() > 1;
                format!("{name} {value:?} {id:?} {conflict}")
            })
            .collect()
    }

    fn in_one_pass(doc: &AutoCommit, obj: &ObjId, kind: ObjType, path: &str) -> Vec<String> {
        entries(doc, obj, kind, path)
            .into_iter()
            .map(|e| format!("{} {:?} {:?} {}", e.path, e.value, e.id, e.conflict))
            .collect()
    }

    #[test]
    fn one_pass_reads_what_a_get_per_key_reads_conflicts_and_item_ids_included() {
        let mut a = AutoCommit::new().with_actor(ActorId::from([1; 16]));
        let agenda = a.put_object(ROOT, "agenda", ObjType::List).unwrap();
        for (i, id) in ["a1", "a2"].into_iter().enumerate() {
            let item = a.insert_object(&agenda, i, ObjType::Map).unwrap();
            a.put(&item, "id", id).unwrap();
            a.put(&item, "done", false).unwrap();
        }
        a.insert(&agenda, 2, "not a map").unwrap();
        let score = a.put_object(ROOT, "selfScore", ObjType::Map).unwrap();
        a.put_object(ROOT, "note", ObjType::Text).unwrap();
        a.commit();
        let mut b = a.fork().with_actor(ActorId::from([2; 16]));
        a.put(&score, "c1", 5.0).unwrap();
        b.put(&score, "c1", 3.0).unwrap();
        a.put(ROOT, "startedAt", "08:00").unwrap();
        b.put(ROOT, "startedAt", "08:30").unwrap();
        a.merge(&mut b).unwrap();

        let objects = [
            (ROOT, ObjType::Map, ""),
            (agenda, ObjType::List, "agenda"),
            (score, ObjType::Map, "selfScore"),
        ];
        for (obj, kind, path) in &objects {
            let expected = one_by_one(&a, obj, *kind, path);
            assert!(!expected.is_empty());
            assert_eq!(in_one_pass(&a, obj, *kind, path), expected, "{path}");
        }
        let root = in_one_pass(&a, &ROOT, ObjType::Map, "");
        assert!(
            root.iter()
                .any(|e| e.starts_with("startedAt ") && e.ends_with(" true"))
        );
        let agenda_paths = entries(&a, &objects[1].0, ObjType::List, "agenda");
        let agenda_paths: Vec<&str> = agenda_paths.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(agenda_paths, ["agenda[a1]", "agenda[a2]", "agenda[2]"]);
    }
}
