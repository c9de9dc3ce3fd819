//! The generator's phases timed in this process: on the shipped and the full spec, and on
//! synthetic specs that repeat the shipped one to show how time grows with size.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use codegen::Options;
use serde_json::{Value, json};

use super::report::{Target, number, render};
use super::{Effort, median, min};

/// The figures of one spec: medians in milliseconds.
pub struct Phases {
    pub name: String,
    pub bytes: usize,
    pub schemas: usize,
    pub operations: usize,
    pub runs: usize,
    pub load: f64,
    pub lower: f64,
    /// `codegen::emit` then `codegen::format`, on one thread: where the work of `render`
    /// goes (not part of the total).
    pub emit: f64,
    pub format: f64,
    /// `codegen::render`: emit and format on every core.
    pub render: f64,
    /// load + lower + render, as `codegen::generate` runs them.
    pub total: f64,
    pub total_min: f64,
    pub output_bytes: usize,
    /// Every run's total, in run order.
    pub totals: Vec<f64>,
}

/// A spec being timed: its text, what it holds, and the samples so far.
struct Subject {
    name: String,
    text: String,
    options: Options,
    schemas: usize,
    operations: usize,
    output_bytes: usize,
    /// Milliseconds of load, lower, emit, format, render and the total, one entry per run.
    samples: [Vec<f64>; 6],
}

impl Subject {
    fn new(name: &str, text: String) -> anyhow::Result<Self> {
        let mut options = Options::new("x", format!("{name}.yaml"));
        options.standalone = true;
        let loaded =
            codegen::load(&text).with_context(|| format!("cannot load the {name} spec"))?;
        let schemas = loaded.component_count();
        let operations = loaded.spec().operations().count();
        drop(loaded);
        Ok(Self {
            name: name.to_owned(),
            text,
            options,
            schemas,
            operations,
            output_bytes: 0,
            samples: Default::default(),
        })
    }

    /// One run of the phases; kept as a sample unless it is a warm-up. Emit and format
    /// run twice: on one thread each, for the breakdown, then together on every core
    /// (`render`), as `codegen::generate` runs them; the outputs must be the same.
    fn run(&mut self, keep: bool) -> anyhow::Result<()> {
        let name = &self.name;
        let t0 = Instant::now();
        let loaded =
            codegen::load(&self.text).with_context(|| format!("cannot load the {name} spec"))?;
        let t1 = Instant::now();
        let (api, warnings) =
            codegen::lower(loaded).with_context(|| format!("cannot lower the {name} spec"))?;
        let t2 = Instant::now();
        let files = codegen::render(&api, &self.options)
            .with_context(|| format!("cannot write the code generated from the {name} spec"))?;
        let t3 = Instant::now();
        // Freeing the output is not part of any phase.
        self.output_bytes = files.values().map(String::len).sum();
        let t4 = Instant::now();
        let emitted = codegen::emit(&api, &self.options);
        let t5 = Instant::now();
        let formatted = codegen::format(emitted, &self.options)
            .with_context(|| format!("cannot format the code generated from the {name} spec"))?;
        let t6 = Instant::now();
        if formatted != files {
            bail!("the {name} spec: emit then format on one thread differs from render");
        }
        drop((files, formatted, api, warnings));
        if keep {
            let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
            let values = [
                ms(t0, t1),
                ms(t1, t2),
                ms(t4, t5),
                ms(t5, t6),
                ms(t2, t3),
                ms(t0, t3),
            ];
            for (samples, value) in self.samples.iter_mut().zip(values) {
                samples.push(value);
            }
        }
        Ok(())
    }

    fn phases(&self) -> Phases {
        Phases {
            name: self.name.clone(),
            bytes: self.text.len(),
            schemas: self.schemas,
            operations: self.operations,
            runs: self.samples[5].len(),
            load: median(&self.samples[0]),
            lower: median(&self.samples[1]),
            emit: median(&self.samples[2]),
            format: median(&self.samples[3]),
            render: median(&self.samples[4]),
            total: median(&self.samples[5]),
            total_min: min(&self.samples[5]),
            output_bytes: self.output_bytes,
            totals: self.samples[5].clone(),
        }
    }
}

/// Times `runs` runs of the four phases on `text`, after `warmups` runs to warm up.
fn time(name: &str, text: String, warmups: usize, runs: usize) -> anyhow::Result<Phases> {
    let mut subject = Subject::new(name, text)?;
    for _ in 0..warmups {
        subject.run(false)?;
    }
    for _ in 0..runs {
        subject.run(true)?;
    }
    Ok(subject.phases())
}

/// The phases on each spec, after one warm-up run: 21 runs of the shipped one, 5 of the
/// full one (5 and 2 quick, one each in a smoke run).
pub fn phases(specs: &[(&str, &Path)], effort: Effort) -> anyhow::Result<Vec<Phases>> {
    let mut results = Vec::new();
    for (name, path) in specs {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the spec {}", path.display()))?;
        let runs = match *name {
            "shipped" => effort.runs(21, 5),
            _ => effort.runs(5, 2),
        };
        eprintln!("  {name}: {runs} runs");
        results.push(time(name, text, effort.warmups(1), runs)?);
    }
    Ok(results)
}

/// The per-phase medians of a row, load to total.
fn timings(p: &Phases) -> [String; 6] {
    [
        number(p.load),
        number(p.lower),
        number(p.emit),
        number(p.format),
        number(p.render),
        number(p.total),
    ]
}

/// The columns of [`timings`].
const TIMING_COLUMNS: [&str; 6] = ["load", "lower", "emit 1T", "format 1T", "render", "total"];

pub fn table(results: &[Phases]) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|p| {
            vec![
                format!(
                    "{} ({} KB, {} schemas, {} ops)",
                    p.name,
                    p.bytes / 1000,
                    p.schemas,
                    p.operations
                ),
                p.runs.to_string(),
            ]
            .into_iter()
            .chain(timings(p))
            .chain([number(p.total_min)])
            .collect()
        })
        .collect();
    let title = format!(
        "Codegen phases, in process (ms, median; min of total). render: emit and format on \
         every core ({} threads), as generate runs them; emit 1T, format 1T: the same work on \
         one thread, for the breakdown; total: load + lower + render",
        codegen_threads()
    );
    let header: Vec<&str> = ["spec", "runs"]
        .into_iter()
        .chain(TIMING_COLUMNS)
        .chain(["min"])
        .collect();
    render(&title, &header, &rows)
}

fn phases_json(p: &Phases) -> Value {
    json!({
        "spec": p.name,
        "bytes": p.bytes,
        "schemas": p.schemas,
        "operations": p.operations,
        "runs": p.runs,
        "load_ms": p.load,
        "lower_ms": p.lower,
        "emit_one_thread_ms": p.emit,
        "format_one_thread_ms": p.format,
        "render_ms": p.render,
        "render_threads": codegen_threads(),
        "total_ms": p.total,
        "total_min_ms": p.total_min,
        "output_bytes": p.output_bytes,
    })
}

pub fn to_json(results: &[Phases]) -> Value {
    Value::Array(results.iter().map(phases_json).collect())
}

/// How many threads `codegen::render` uses here: as many as the machine runs at once.
pub fn codegen_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The sizes of the synthetic specs: copies of the shipped spec.
const FACTORS: [usize; 4] = [1, 2, 4, 8];

/// The shipped spec and `factor - 1` copies of its components and paths, renamed with the
/// suffixes `_2`, `_3`, ... (paths under `/copy2`, `/copy3`, ...), every `$ref` and
/// `operationId` of a copy renamed the same way.
pub fn synthetic(base: &Value, factor: usize) -> Value {
    let mut doc = base.clone();
    for k in 2..=factor {
        let suffix = format!("_{k}");
        if let Some(components) = base.get("components").and_then(Value::as_object) {
            for (kind, entries) in components {
                // Security schemes are named by security requirements, not `$ref`: shared.
                if kind == "securitySchemes" {
                    continue;
                }
                let Some(entries) = entries.as_object() else {
                    continue;
                };
                for (name, item) in entries {
                    let mut copy = item.clone();
                    rename_refs(&mut copy, &suffix);
                    doc["components"][kind.as_str()][format!("{name}{suffix}")] = copy;
                }
            }
        }
        if let Some(paths) = base.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let mut copy = item.clone();
                rename_refs(&mut copy, &suffix);
                if let Some(methods) = copy.as_object_mut() {
                    for (method, operation) in methods.iter_mut() {
                        if ![
                            "get", "put", "post", "delete", "options", "head", "patch", "trace",
                        ]
                        .contains(&method.as_str())
                        {
                            continue;
                        }
                        if let Some(Value::String(id)) = operation.get_mut("operationId") {
                            id.push_str(&suffix);
                        }
                    }
                }
                doc["paths"][format!("/copy{k}{path}")] = copy;
            }
        }
    }
    doc
}

/// Appends `suffix` to every local reference to a component other than a security scheme.
fn rename_refs(value: &mut Value, suffix: &str) {
    match value {
        Value::String(text)
            if text.starts_with("#/components/")
                && !text.starts_with("#/components/securitySchemes/") =>
        {
            text.push_str(suffix);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, suffix)),
        Value::Object(map) => map.values_mut().for_each(|v| rename_refs(v, suffix)),
        _ => {}
    }
}

pub struct Scaling {
    pub factor: usize,
    pub phases: Phases,
}

/// Times the whole pipeline on 1x, 2x, 4x and 8x the shipped spec, in rounds that run
/// every size once (after one round to warm up), so that a change in the machine's load
/// falls on all sizes alike. The specs are also written to `keep` (`spec-8x.yaml`, ...),
/// to profile or inspect.
pub fn scaling(shipped: &Path, keep: &Path, effort: Effort) -> anyhow::Result<Vec<Scaling>> {
    let text = std::fs::read_to_string(shipped)
        .with_context(|| format!("cannot read the spec {}", shipped.display()))?;
    let base: Value = serde_yaml::from_str(&text)
        .with_context(|| format!("cannot read {} as YAML", shipped.display()))?;
    let mut subjects = Vec::new();
    for factor in FACTORS {
        let doc = synthetic(&base, factor);
        let text = serde_yaml::to_string(&doc)
            .with_context(|| format!("cannot write the {factor}x spec as YAML"))?;
        let file = keep.join(format!("spec-{factor}x.yaml"));
        std::fs::create_dir_all(keep)
            .and_then(|()| std::fs::write(&file, &text))
            .with_context(|| format!("cannot write the {factor}x spec to {}", file.display()))?;
        subjects.push((factor, Subject::new(&format!("{factor}x"), text)?));
    }
    let (warmups, rounds) = (effort.warmups(1), effort.runs(21, 7));
    eprintln!("  sizes {FACTORS:?} x the shipped spec: {rounds} rounds");
    for round in 0..warmups + rounds {
        for (_, subject) in &mut subjects {
            subject.run(round >= warmups)?;
        }
    }
    Ok(subjects
        .into_iter()
        .map(|(factor, subject)| Scaling {
            factor,
            phases: subject.phases(),
        })
        .collect())
}

/// Total time at `factor` over total time at 1x: the median of the ratios within each
/// round, which a change in the machine's load between rounds does not skew.
fn ratio(results: &[Scaling], factor: usize) -> Option<f64> {
    let one = &results.iter().find(|s| s.factor == 1)?.phases.totals;
    let other = &results.iter().find(|s| s.factor == factor)?.phases.totals;
    let ratios: Vec<f64> = one.iter().zip(other).map(|(a, b)| b / a).collect();
    (!ratios.is_empty()).then(|| median(&ratios))
}

pub fn scaling_table(results: &[Scaling]) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|s| {
            let p = &s.phases;
            vec![
                format!(
                    "{}x ({} KB, {} schemas, {} ops)",
                    s.factor,
                    p.bytes / 1000,
                    p.schemas,
                    p.operations
                ),
                p.runs.to_string(),
            ]
            .into_iter()
            .chain(timings(p))
            .chain([ratio(results, s.factor).map_or_else(String::new, |r| format!("{r:.2}x"))])
            .collect()
        })
        .collect();
    let header: Vec<&str> = ["size", "runs"]
        .into_iter()
        .chain(TIMING_COLUMNS)
        .chain(["vs 1x"])
        .collect();
    render(
        "Scaling: the shipped spec repeated, in process (ms, median; total: load + lower + \
         render; vs 1x: median of the per-round ratios of the totals)",
        &header,
        &rows,
    )
}

pub fn scaling_targets(results: &[Scaling]) -> Vec<Target> {
    ratio(results, 4)
        .map(|r| Target::at_most("scaling: time 4x / 1x", r, 4.5, "x"))
        .into_iter()
        .collect()
}

pub fn scaling_json(results: &[Scaling]) -> Value {
    json!({
        "sizes": results.iter().map(|s| {
            let mut value = phases_json(&s.phases);
            value["factor"] = json!(s.factor);
            value
        }).collect::<Vec<_>>(),
        "ratio_2x_1x": ratio(results, 2),
        "ratio_4x_1x": ratio(results, 4),
        "ratio_8x_1x": ratio(results, 8),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_specs_copy_components_and_paths_under_new_names() {
        let root = crate::workspace_root();
        let text = std::fs::read_to_string(root.join("spec/unified-connection.yaml")).unwrap();
        let base: Value = serde_yaml::from_str(&text).unwrap();
        let doc = synthetic(&base, 3);

        let schemas = |doc: &Value| doc["components"]["schemas"].as_object().unwrap().len();
        assert_eq!(schemas(&doc), 3 * schemas(&base));
        assert_eq!(
            doc["paths"].as_object().unwrap().len(),
            3 * base["paths"].as_object().unwrap().len()
        );
        let copy = serde_json::to_string(&doc["paths"]["/copy3/unified/connection"]).unwrap();
        assert!(
            copy.contains("#/components/schemas/Connection_3\""),
            "refs of a copy point to its own components"
        );
        assert!(copy.contains("_3\""), "operation ids of a copy are renamed");

        // The generator accepts it: every name is unique.
        let output = codegen::generate(
            &serde_yaml::to_string(&doc).unwrap(),
            &Options::new("x", "x.yaml"),
        )
        .unwrap();
        assert!(output.files["src/models.rs"].contains("pub struct Connection3"));
        assert_eq!(synthetic(&base, 1), base);
    }
}
