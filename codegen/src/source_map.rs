//! Where the nodes that diagnostics name are in a spec's text: JSON pointer -> line and
//! column.
//!
//! The spec is read into a `serde_json::Value`, which keeps no positions, so diagnostics
//! carry JSON pointers. [`locate`] reads the text once more with saphyr's YAML 1.2 parser
//! (which reads JSON too) and finds where the nodes the pointers name are: a mapping entry
//! at its key, a sequence item at the item itself, the root at its first token. It depends
//! on the text alone, not on which OpenAPI version the document is, and it is run only when
//! there are diagnostics to place. Only nodes on the way to a pointer are recorded, so the
//! cost is the parse.
//!
//! A pointer is resolved as far as the text goes: a pointer to a key that is not there
//! resolves to the nearest ancestor that is. A pointer into an alias (`*base`) resolves to
//! the alias, where it is used; a pointer to a key that a merge (`<<: *base`) would bring
//! in resolves to the merge.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, Span};

use crate::diagnostic::{Location, Pointer};

/// The key that merges another mapping into a mapping (`<<: *base`).
const MERGE_KEY: &str = "<<";

/// Where each of `pointers` is in `text` (YAML or JSON), or its nearest ancestor that is
/// there: `None` when the text has no node at all (an empty document, or a syntax error
/// before the first node). Text that does not parse is read up to the first syntax error;
/// only the first document of a stream is read.
pub fn locate(text: &str, pointers: &[&Pointer]) -> Vec<Option<Location>> {
    let mut walker = Walker {
        trie: Trie::of(pointers),
        stack: Vec::new(),
        root_seen: false,
        in_key: 0,
        widen: None,
    };
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        match event {
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => {}
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::Scalar(value, ..) => walker.scalar(value.as_ref(), span),
            Event::Alias(_) => walker.alias(span),
            Event::MappingStart(..) => walker.open(span, Frame::Mapping(KeyState::Expected)),
            Event::SequenceStart(..) => walker.open(span, Frame::Sequence(0)),
            Event::MappingEnd | Event::SequenceEnd => walker.close(),
        }
        if walker.trie.unfound == 0 && walker.widen.is_none() {
            // Everything is placed exactly: the rest of the text cannot change that.
            break;
        }
    }
    pointers
        .iter()
        .map(|pointer| walker.trie.resolve(pointer))
        .collect()
}

/// The position serde_yaml (the parser the spec is read with) gives for the syntax error
/// in `text`, if it has one: the same as in its message, which another parser's need not be.
pub fn syntax_error(text: &str) -> Option<Location> {
    let error = serde_yaml::from_str::<serde::de::IgnoredAny>(text).err()?;
    let at = error.location()?;
    Some(Location {
        line: at.line(),
        column: at.column(),
        end_line: at.line(),
        end_column: at.column(),
    })
}

type NodeId = usize;

/// The pointers' segments as a tree (the root is node 0), with what the text has of them.
#[derive(Debug, Default)]
struct Trie {
    nodes: Vec<TrieNode>,
    /// How many nodes that a pointer ends at the text has not had yet.
    unfound: usize,
}

#[derive(Debug, Default)]
struct TrieNode {
    /// The children named by a mapping key.
    names: HashMap<Box<str>, NodeId>,
    /// The children named by a sequence index (a segment like `0` is in both).
    indices: HashMap<usize, NodeId>,
    /// Whether a pointer ends here.
    end: bool,
    /// Where the node is, once the text has it.
    found: Option<Found>,
    /// Where its merge (`<<`) entry is, if it is a mapping with one.
    merge: Option<Found>,
}

#[derive(Debug, Clone, Copy)]
struct Found {
    /// The key of a mapping entry, the item of a sequence, the first token of the root.
    at: Location,
    /// Where the value is an alias (`*base`): the alias.
    alias: Option<Location>,
}

impl Found {
    /// Where what the node brings in (by alias or merge) is.
    fn use_site(self) -> Location {
        self.alias.unwrap_or(self.at)
    }
}

impl Trie {
    fn of(pointers: &[&Pointer]) -> Self {
        let mut trie = Self {
            nodes: vec![TrieNode::default()],
            unfound: 0,
        };
        for pointer in pointers {
            let mut node = 0;
            for segment in pointer.segments() {
                node = trie.insert(node, segment);
            }
            if let Some(end) = trie.nodes.get_mut(node).filter(|end| !end.end) {
                end.end = true;
                trie.unfound += 1;
            }
        }
        trie
    }

    /// The child of `parent` named `segment`, added if new.
    fn insert(&mut self, parent: NodeId, segment: String) -> NodeId {
        let child = self.nodes.len();
        let Some(node) = self.nodes.get_mut(parent) else {
            return parent;
        };
        if let Some(&existing) = node.names.get(segment.as_str()) {
            return existing;
        }
        // An index is written without sign or leading zeros (RFC 6901).
        if let Some(index) = segment
            .parse()
            .ok()
            .filter(|i: &usize| i.to_string() == segment)
        {
            node.indices.insert(index, child);
        }
        node.names.insert(segment.into(), child);
        self.nodes.push(TrieNode::default());
        child
    }

    /// The child of `node` that a mapping's `key` or a sequence's item `index` is.
    fn child(&self, node: NodeId, name: Result<&str, usize>) -> Target {
        let Some(node) = self.nodes.get(node) else {
            return Target::Nothing;
        };
        let child = match name {
            Ok(key) => node.names.get(key),
            Err(index) => node.indices.get(&index),
        };
        child.map_or(Target::Nothing, |&child| Target::Node(child))
    }

    /// Records where `target` is; what the node's content is to the pointers.
    fn record(&mut self, target: Target, found: Found) -> Target {
        match target {
            Target::Node(id) => {
                if let Some(node) = self.nodes.get_mut(id) {
                    if node.end && node.found.is_none() {
                        self.unfound = self.unfound.saturating_sub(1);
                    }
                    node.found = Some(found);
                }
                target
            }
            Target::Merge(id) => {
                let Some(node) = self.nodes.get_mut(id) else {
                    return Target::Nothing;
                };
                node.merge = Some(found);
                // A pointer may also name the merge entry as a plain key.
                match node.names.get(MERGE_KEY) {
                    Some(&child) => self.record(Target::Node(child), found),
                    None => Target::Nothing,
                }
            }
            Target::Nothing => Target::Nothing,
        }
    }

    /// The nearest found node on the way to `pointer`, by the rules in the module's docs.
    fn resolve(&self, pointer: &Pointer) -> Option<Location> {
        let mut node = self.nodes.first()?;
        let mut found = node.found?;
        for segment in pointer.segments() {
            if let Some(alias) = found.alias {
                return Some(alias);
            }
            // An index child is its name child too.
            let child = node
                .names
                .get(segment.as_str())
                .and_then(|&id| self.nodes.get(id));
            match child.and_then(|child| Some((child, child.found?))) {
                Some((child, child_found)) => (node, found) = (child, child_found),
                None => return Some(node.merge.map_or(found.at, Found::use_site)),
            }
        }
        Some(found.at)
    }
}

/// What the walker is inside of.
#[derive(Debug)]
enum Frame {
    /// A mapping, and whether its next node is a key or a value.
    Mapping(KeyState),
    /// A sequence, and the index of its next item.
    Sequence(usize),
}

#[derive(Debug)]
enum KeyState {
    /// The next node is a key.
    Expected,
    /// The next node is the value of the key found here, which names this.
    Named(Target, Location),
    /// The next node is the value of a key no pointer can name (an alias or a collection).
    Unnamed,
}

/// What a node is to the pointers.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// On the way to a pointer: this trie node.
    Node(NodeId),
    /// The merge entry of this trie node's mapping.
    Merge(NodeId),
    /// Nothing a pointer names: its content is only walked through.
    Nothing,
}

/// Walks the parser's events with a stack of its own (any depth), recording where the
/// trie's nodes are.
#[derive(Debug)]
struct Walker {
    trie: Trie,
    /// The open collections: what each is to the pointers, and its state.
    stack: Vec<(Target, Frame)>,
    root_seen: bool,
    /// Collections open inside a key (`{a: 1}: value`), whose content names nothing.
    in_key: usize,
    /// A node recorded at an empty span (a block collection), to be widened to the token
    /// that starts it.
    widen: Option<NodeId>,
}

impl Walker {
    fn scalar(&mut self, value: &str, span: Span) {
        self.widen_to(span);
        if self.in_key > 0 {
            return;
        }
        if let Some((parent, Frame::Mapping(state @ KeyState::Expected))) = self.stack.last_mut() {
            let target = match *parent {
                Target::Node(node) if value == MERGE_KEY => Target::Merge(node),
                Target::Node(node) => self.trie.child(node, Ok(value)),
                Target::Merge(_) | Target::Nothing => Target::Nothing,
            };
            *state = KeyState::Named(target, location(span));
            return;
        }
        self.value(span, None);
    }

    fn alias(&mut self, span: Span) {
        self.widen_to(span);
        if self.in_key > 0 {
            return;
        }
        if let Some((_, Frame::Mapping(state @ KeyState::Expected))) = self.stack.last_mut() {
            *state = KeyState::Unnamed;
            return;
        }
        self.value(span, Some(location(span)));
    }

    fn open(&mut self, span: Span, frame: Frame) {
        self.widen_to(span);
        let is_key = matches!(
            self.stack.last(),
            Some((_, Frame::Mapping(KeyState::Expected)))
        );
        if self.in_key > 0 || is_key {
            self.in_key += 1;
            self.stack.push((Target::Nothing, frame));
            return;
        }
        // A flow collection starts with its one-character `{` or `[`; a block collection
        // at an empty span, widened to its first token when that comes.
        let start = span.start;
        let span = if span.is_empty() {
            span
        } else {
            Span::new(
                start,
                Marker::new(start.index() + 1, start.line(), start.col() + 1),
            )
        };
        let target = self.value(span, None);
        if let (Target::Node(node), true) = (target, span.is_empty()) {
            self.widen = Some(node);
        }
        self.stack.push((target, frame));
    }

    fn close(&mut self) {
        self.widen = None;
        self.stack.pop();
        if self.in_key > 0 {
            self.in_key -= 1;
            if self.in_key == 0 {
                // The collection just closed was a key, which names nothing.
                if let Some((_, Frame::Mapping(state))) = self.stack.last_mut() {
                    *state = KeyState::Unnamed;
                }
            }
        }
    }

    /// Records a node that is a value (not a key) if a pointer names it; what its content
    /// is to the pointers.
    fn value(&mut self, span: Span, alias: Option<Location>) -> Target {
        let (target, at) = match self.stack.last_mut() {
            None if !self.root_seen => {
                self.root_seen = true;
                (Target::Node(0), location(span))
            }
            None => (Target::Nothing, location(span)),
            Some((parent, Frame::Sequence(next))) => {
                let index = *next;
                *next += 1;
                let target = match *parent {
                    Target::Node(node) => self.trie.child(node, Err(index)),
                    Target::Merge(_) | Target::Nothing => Target::Nothing,
                };
                (target, location(span))
            }
            Some((_, Frame::Mapping(state))) => {
                match std::mem::replace(state, KeyState::Expected) {
                    KeyState::Named(target, at) => (target, at),
                    KeyState::Unnamed | KeyState::Expected => (Target::Nothing, location(span)),
                }
            }
        };
        self.trie.record(target, Found { at, alias })
    }

    /// Widens the node waiting at an empty span to the token starting where it is.
    fn widen_to(&mut self, span: Span) {
        let Some(node) = self.widen.take() else {
            return;
        };
        let start = location(span);
        let found = self
            .trie
            .nodes
            .get_mut(node)
            .and_then(|node| node.found.as_mut());
        if let Some(found) =
            found.filter(|f| (f.at.line, f.at.column) == (start.line, start.column))
        {
            found.at = start;
        }
    }
}

/// A span as 1-based lines and columns (saphyr counts columns from 0, in characters).
fn location(span: Span) -> Location {
    Location {
        line: span.start.line(),
        column: span.start.col() + 1,
        end_line: span.end.line(),
        end_column: span.end.col() + 1,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// The text a location covers (on its first line).
    fn covered(text: &str, at: Location) -> String {
        let line = text.lines().nth(at.line - 1).unwrap_or_default();
        let end = if at.end_line == at.line {
            at.end_column
        } else {
            line.chars().count() + 1
        };
        line.chars()
            .skip(at.column - 1)
            .take(end.saturating_sub(at.column))
            .collect()
    }

    fn pointer(text: &str) -> Pointer {
        Pointer::from_ref(text).unwrap_or_default()
    }

    /// Where `pointer` is in `text`.
    fn place(text: &str, at: &str) -> Option<Location> {
        locate(text, &[&pointer(at)]).into_iter().next().flatten()
    }

    /// `(line, column)` of `pointer` in `text`.
    fn start(text: &str, at: &str) -> Option<(usize, usize)> {
        place(text, at).map(|at| (at.line, at.column))
    }

    const YAML: &str = "\
openapi: 3.0.3
paths:
  /pets/{id}:
    get:
      parameters:
        - name: id
          in: path
        - $ref: '#/components/parameters/Limit'
      responses:
        \"200\": { description: Done. }
components:
  schemas:
    a~b: { type: [string, 'null'] }
";

    #[test]
    fn entries_are_placed_at_their_keys_and_items_at_themselves() {
        assert_eq!(start(YAML, "#"), Some((1, 1)));
        assert_eq!(start(YAML, "#/openapi"), Some((1, 1)));
        assert_eq!(start(YAML, "#/paths/~1pets~1{id}/get"), Some((4, 5)));
        assert_eq!(
            start(YAML, "#/paths/~1pets~1{id}/get/parameters/0"),
            Some((6, 11))
        );
        assert_eq!(
            start(YAML, "#/paths/~1pets~1{id}/get/parameters/1/$ref"),
            Some((8, 11))
        );
        assert_eq!(
            start(YAML, "#/paths/~1pets~1{id}/get/responses/200"),
            Some((10, 9))
        );
        assert_eq!(
            start(YAML, "#/paths/~1pets~1{id}/get/responses/200/description"),
            Some((10, 18))
        );
        assert_eq!(
            start(YAML, "#/components/schemas/a~0b/type/1"),
            Some((13, 27))
        );
    }

    #[test]
    fn a_block_mapping_item_is_underlined_by_its_first_key() {
        let item = place(YAML, "#/paths/~1pets~1{id}/get/parameters/0");
        assert_eq!(item.map(|at| covered(YAML, at)), Some("name".to_owned()));
        let root = place(YAML, "#");
        assert_eq!(root.map(|at| covered(YAML, at)), Some("openapi".to_owned()));
        let flow = place("[{a: 1}]", "#/0");
        assert_eq!(flow.map(|at| covered("[{a: 1}]", at)), Some("{".to_owned()));
    }

    #[test]
    fn a_missing_node_is_placed_at_its_nearest_ancestor() {
        assert_eq!(
            start(YAML, "#/paths/~1pets~1{id}/get/operationId"),
            Some((4, 5))
        );
        assert_eq!(
            start(YAML, "#/paths/~1pets~1{id}/get/parameters/9/name"),
            Some((5, 7))
        );
        assert_eq!(start(YAML, "#/info/title"), Some((1, 1)));
        // A number names a mapping's key, not an index.
        assert_eq!(
            start(YAML, "#/paths/~1pets~1{id}/get/responses/0"),
            Some((9, 7))
        );
    }

    #[test]
    fn json_is_placed_like_yaml() {
        let json = r#"{
  "openapi": "3.0.3",
  "paths": {
    "/pets": {"get": {"parameters": [{"name": "id"}, {"name":"q"}]}}
  }
}"#;
        assert_eq!(start(json, "#"), Some((1, 1)));
        assert_eq!(start(json, "#/paths/~1pets"), Some((4, 5)));
        assert_eq!(
            start(json, "#/paths/~1pets/get/parameters/0"),
            Some((4, 38))
        );
        assert_eq!(
            start(json, "#/paths/~1pets/get/parameters/1/name"),
            Some((4, 55))
        );
    }

    #[test]
    fn aliases_are_placed_where_they_are_used() {
        let text = "\
base: &base
  type: object
  required: [id]
copy: *base
merged:
  <<: *base
  title: Merged
";
        // Into an alias: the alias; the aliased entry itself: its key.
        assert_eq!(start(text, "#/copy/required/0"), Some((4, 7)));
        assert_eq!(start(text, "#/copy"), Some((4, 1)));
        // A key the merge brings in: the merge's alias; one the mapping has: itself.
        assert_eq!(start(text, "#/merged/required"), Some((6, 7)));
        assert_eq!(start(text, "#/merged/title"), Some((7, 3)));
        assert_eq!(start(text, "#/merged/<<"), Some((6, 3)));
    }

    #[test]
    fn collections_as_keys_name_nothing_and_do_not_shift_their_siblings() {
        let text = "x: &x 0\na:\n  ? [x, y]\n  : 1\n  ? *x\n  : 2\n  b: [3]\n";
        assert_eq!(start(text, "#/a/b/0"), Some((7, 7)));
        assert_eq!(start(text, "#/a/x"), Some((2, 1)));
    }

    #[test]
    fn text_without_nodes_has_no_locations_and_broken_text_keeps_what_came_before() {
        assert_eq!(start("", "#"), None);
        assert_eq!(start("# only a comment\n", "#/a"), None);
        let broken = "openapi: 3.0.3\ninfo: { title: x,\nversion: 1\n";
        assert_eq!(start(broken, "#/info/title"), Some((2, 9)));
        assert_eq!(start(broken, "#/info/version"), Some((2, 1)));
    }

    #[test]
    fn syntax_errors_are_placed_where_serde_yaml_reports_them() {
        let broken = "openapi: 3.0.3\ninfo: { title: x,\nversion: 1\n";
        let at = syntax_error(broken).map(|at| (at.line, at.column));
        assert_eq!(at, Some((4, 1)));
        assert_eq!(syntax_error("a: 1\n"), None);
    }

    #[test]
    fn deep_nesting_is_indexed_without_recursion() {
        let depth = 1_000;
        let block: String = (0..depth)
            .map(|level| format!("{}- \n", "  ".repeat(level)))
            .collect();
        let deepest = format!("#{}", "/0".repeat(depth - 1));
        assert_eq!(start(&block, &deepest), Some((depth, 2 * depth - 1)));
        // Past the parser's limit for flow collections (255 levels), nothing is placed.
        let flow = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(start(&flow, &deepest), None);
    }

    #[test]
    fn many_pointers_are_placed_in_one_pass_in_their_order() {
        let pointers = [
            pointer("#/components/schemas/a~0b"),
            pointer("#/paths/~1pets~1{id}/get/parameters/1"),
            pointer("#/nowhere"),
            pointer("#/paths/~1pets~1{id}/get/parameters/01"),
        ];
        let refs: Vec<&Pointer> = pointers.iter().collect();
        let starts: Vec<_> = locate(YAML, &refs)
            .into_iter()
            .map(|at| at.map(|at| (at.line, at.column)))
            .collect();
        // `01` is not an index (RFC 6901), so it names no item.
        assert_eq!(
            starts,
            [Some((13, 5)), Some((8, 11)), Some((1, 1)), Some((5, 7))]
        );
    }

    /// Every entry of the shipped spec, as YAML and as JSON, is placed at its key, and every
    /// item at itself.
    #[test]
    fn every_node_of_the_shipped_spec_is_placed_at_itself() {
        let yaml = include_str!("../../spec/unified-connection.yaml");
        let value: Value = serde_yaml::from_str(yaml).unwrap_or_default();
        let json = serde_json::to_string_pretty(&value).unwrap_or_default();
        let mut entries = Vec::new();
        let mut items = Vec::new();
        let mut stack = vec![(&value, Pointer::root())];
        while let Some((node, at)) = stack.pop() {
            match node {
                Value::Object(children) => {
                    for (key, child) in children {
                        entries.push((at.push(key), key.clone()));
                        stack.push((child, at.push(key)));
                    }
                }
                Value::Array(children) => {
                    for (index, child) in children.iter().enumerate() {
                        items.push((at.push(index), at.clone()));
                        stack.push((child, at.push(index)));
                    }
                }
                _ => {}
            }
        }
        assert!(
            entries.len() > 300 && items.len() > 300,
            "{} {}",
            entries.len(),
            items.len()
        );
        for text in [yaml, json.as_str()] {
            let pointers: Vec<&Pointer> = entries.iter().map(|(pointer, _)| pointer).collect();
            for (at, (pointer, key)) in locate(text, &pointers).into_iter().zip(&entries) {
                let placed = at.map(|at| covered(text, at)).unwrap_or_default();
                assert_eq!(placed.trim_matches(['"', '\'']), key, "{pointer}");
            }
            let pointers: Vec<&Pointer> = items
                .iter()
                .flat_map(|(item, parent)| [item, parent])
                .collect();
            let placed = locate(text, &pointers);
            for (pair, (item, _)) in placed.chunks(2).zip(&items) {
                assert!(pair[0].is_some() && pair[0] != pair[1], "{item}");
            }
        }
    }
}
