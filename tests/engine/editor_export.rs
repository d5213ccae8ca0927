//! The desktop's report and scaffold of the edited model: the same bytes the command line
//! writes for the saved file, written atomically, and a folder with something in it
//! never replaced unasked.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use headroom::editor::export::{self, ExportError};
use headroom::error::{ErrorKind, HasKind};
use headroom::report::Format;
use headroom::spec::{self, export as yaml_export, Spec};

use crate::common::models::{via_ipc, MODELS};
use crate::common::shop::{shop_via_ipc, with_api_replicas, SHOP};

const CLI: &str = env!("CARGO_BIN_EXE_headroom");

fn load(path: &Path) -> Spec {
    spec::check_file(path).unwrap().into_result().unwrap()
}

fn examples() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(MODELS)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    assert!(out.len() >= 4, "{out:?}");
    out
}

fn cli(args: &[&str]) -> String {
    let out = Command::new(CLI).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "headroom {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `headroom report SPEC -o OUT` (format from OUT's extension), as bytes.
fn cli_report(spec_file: &Path, out: &Path) -> Vec<u8> {
    cli(&[
        "report",
        spec_file.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    fs::read(out).unwrap()
}

/// Every file under `root`: relative path -> (bytes, executable).
fn tree(root: &Path) -> BTreeMap<String, (Vec<u8>, bool)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, bool)>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                let exec = meta.permissions().mode() & 0o111 != 0;
                out.insert(rel, (fs::read(&path).unwrap(), exec));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_report_is_the_clis_for_every_example_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    for file in examples() {
        let model = via_ipc(&load(&file));
        let stem = file.file_stem().unwrap().to_str().unwrap();
        for (format, ext) in [(Format::Html, "html"), (Format::Markdown, "md")] {
            let app = export::render_report(&model, format).unwrap();
            let cli = cli_report(&file, &dir.path().join(format!("{stem}.{ext}")));
            assert!(
                app.as_bytes() == cli.as_slice(),
                "{stem}.{ext}: the app's report ({} bytes) differs from the CLI's ({} bytes)",
                app.len(),
                cli.len()
            );
        }
    }
}

#[test]
fn the_report_of_an_edited_model_is_the_clis_for_the_file_save_writes() {
    let dir = tempfile::tempdir().unwrap();
    let model = with_api_replicas(shop_via_ipc(), 2);
    // What Save writes (header comments included; they change nothing in the report).
    let saved = dir.path().join("edited.yaml");
    fs::write(
        &saved,
        yaml_export::to_yaml(&model, &["# edited in the app"]),
    )
    .unwrap();
    let html = export::render_report(&model, Format::Html).unwrap();
    assert_eq!(
        html.as_bytes(),
        cli_report(&saved, &dir.path().join("edited.html")).as_slice()
    );
    let md = export::render_report(&model, Format::Markdown).unwrap();
    assert_eq!(
        md.as_bytes(),
        cli_report(&saved, &dir.path().join("edited.md")).as_slice()
    );
    // The edit shows: it is not the unedited shop's report.
    assert_ne!(
        md,
        export::render_report(&shop_via_ipc(), Format::Markdown).unwrap()
    );
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(!html.contains("<script"), "the report runs no script");
}

#[test]
fn a_model_with_problems_has_no_report_and_says_how_many() {
    let mut model = shop_via_ipc();
    model.components[2].replicas = Some(0);
    let yaml = yaml_export::to_yaml(&model, &[]);
    let expected = spec::check("x", yaml.as_bytes()).diagnostics;
    assert!(!expected.is_empty());
    let err = export::render_report(&model, Format::Html).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSpec);
    match &err {
        ExportError::InvalidSpec(problems) => {
            assert_eq!(problems.count, expected.len());
            assert_eq!(problems.first, expected[0].message);
            assert_eq!(
                err.to_string(),
                format!(
                    "the model has {} problems; fix them before exporting: {}",
                    expected.len(),
                    expected[0].message
                )
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        export::scaffold_preview(&model).unwrap_err().kind(),
        ErrorKind::InvalidSpec
    );
}

#[test]
fn the_format_follows_a_known_extension_else_the_choice() {
    assert_eq!(
        Format::from_path(Path::new("a/b.MD")),
        Some(Format::Markdown)
    );
    assert_eq!(
        Format::from_path(Path::new("b.markdown")),
        Some(Format::Markdown)
    );
    assert_eq!(Format::from_path(Path::new("b.htm")), Some(Format::Html));
    assert_eq!(Format::from_path(Path::new("b.txt")), None);
    assert_eq!(Format::from_path(Path::new("report")), None);

    let dir = tempfile::tempdir().unwrap();
    let model = shop_via_ipc();
    let md = export::render_report(&model, Format::Markdown).unwrap();
    let html = export::render_report(&model, Format::Html).unwrap();
    // Export HTML… to a .md name writes Markdown, as `headroom report -o x.md` does.
    let to_md = dir.path().join("r.md");
    let done = export::export_report(&model, Format::Html, &to_md, None).unwrap();
    assert_eq!(done.format, Format::Markdown);
    assert_eq!(done.bytes, md.len() as u64);
    assert_eq!(fs::read_to_string(&to_md).unwrap(), md);
    // No extension it knows: the button's format.
    let plain = dir.path().join("report.txt");
    let done = export::export_report(&model, Format::Html, &plain, None).unwrap();
    assert_eq!(done.format, Format::Html);
    assert_eq!(fs::read_to_string(&plain).unwrap(), html);
    assert_eq!(names_in(dir.path()), ["r.md", "report.txt"]);
}

#[test]
fn the_cli_and_the_app_write_the_same_bytes_for_the_same_report_name() {
    // One rule (report::Format::for_output): a format asked by name, else the name's
    // extension, else the fallback. `.markdown` was HTML from the CLI, Markdown from
    // the app; every name now gives one set of bytes from both.
    let dir = tempfile::tempdir().unwrap();
    let file = PathBuf::from(SHOP);
    let model = via_ipc(&load(&file));
    let md = export::render_report(&model, Format::Markdown).unwrap();
    let html = export::render_report(&model, Format::Html).unwrap();
    for (name, want) in [
        ("r.markdown", &md),
        ("r.MD", &md),
        ("r.md", &md),
        ("r.htm", &html),
        ("r.html", &html),
        ("r.txt", &html),
    ] {
        let cli = cli_report(&file, &dir.path().join(format!("cli-{name}")));
        let app_path = dir.path().join(format!("app-{name}"));
        // The app's Export HTML button: its choice is only the fallback.
        export::export_report(&model, Format::Html, &app_path, None).unwrap();
        let app = fs::read(&app_path).unwrap();
        assert!(cli == app, "{name}: the CLI and the app differ");
        assert!(cli == want.as_bytes(), "{name}: not the expected format");
    }
    // A format asked by name wins on the command line, as before.
    let out = dir.path().join("asked.html");
    cli(&[
        "report",
        file.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_eq!(fs::read_to_string(&out).unwrap(), md);
    assert_eq!(Format::parse("markdown"), Ok(Format::Markdown));
    assert!(Format::parse("pdf")
        .unwrap_err()
        .contains("not a report format"));
}

#[test]
fn export_replaces_a_file_by_renaming_over_it_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.html");
    let old = "an older report\n".repeat(1000);
    fs::write(&path, &old).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    let before = fs::metadata(&path).unwrap().ino();
    // A reader that has the old file open.
    let reader = fs::File::open(&path).unwrap();

    let model = shop_via_ipc();
    let done = export::export_report(&model, Format::Html, &path, None).unwrap();
    let html = export::render_report(&model, Format::Html).unwrap();
    assert_eq!(done.path, path.display().to_string());
    assert_eq!(done.bytes, html.len() as u64);
    assert_eq!(fs::read_to_string(&path).unwrap(), html);
    // A new file renamed into place, not the old one rewritten: the reader still has
    // every byte of the old one, and the file keeps its permissions.
    let after = fs::metadata(&path).unwrap();
    assert_ne!(after.ino(), before);
    assert_eq!(after.permissions().mode() & 0o777, 0o600);
    assert_eq!(std::io::read_to_string(reader).unwrap(), old);
    assert_eq!(
        names_in(dir.path()),
        ["shop.html"],
        "no temporary file left"
    );
}

#[test]
fn export_refuses_a_folder_and_a_missing_folder_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("taken.html");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("inside.txt"), "mine").unwrap();
    let model = shop_via_ipc();
    let err = export::export_report(&model, Format::Html, &folder, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IsADirectory);
    assert!(err.to_string().contains("is a folder"), "{err}");
    assert_eq!(names_in(&folder), ["inside.txt"]);
    assert_eq!(
        fs::read_to_string(folder.join("inside.txt")).unwrap(),
        "mine"
    );

    let nowhere = dir.path().join("missing").join("r.html");
    let err = export::export_report(&model, Format::Html, &nowhere, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("missing/r.html"), "{err}");
    assert_eq!(names_in(dir.path()), ["taken.html"], "nothing created");

    // The model's own file, by its name or through a symlink, is not replaced.
    let spec_file = dir.path().join("shop.yaml");
    fs::write(&spec_file, "version: 1\n").unwrap();
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink(&spec_file, &link).unwrap();
    for target in [&spec_file, &link] {
        let err =
            export::export_report(&model, Format::Html, target, Some(&spec_file)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IsTheModel, "{}", target.display());
        assert!(err.to_string().contains("the model's own file"), "{err}");
    }
    assert_eq!(fs::read_to_string(&spec_file).unwrap(), "version: 1\n");
    // Any other name beside it is written.
    let beside = dir.path().join("shop-report.html");
    export::export_report(&model, Format::Html, &beside, Some(&spec_file)).unwrap();
    assert!(fs::read_to_string(&beside)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

/// One line of `headroom scaffold`'s summary: `  NAME  N replicas, autoscaler A-B, cpu C, memory M`.
fn parse_deployment(line: &str) -> (String, u32, Option<(u32, u32)>, String, String) {
    let (name, rest) = line.trim().split_once(' ').unwrap();
    let parts: Vec<&str> = rest.trim().split(", ").collect();
    assert_eq!(parts.len(), 4, "{line}");
    let replicas = parts[0].strip_suffix(" replicas").unwrap().parse().unwrap();
    let hpa = parts[1].strip_prefix("autoscaler ").map(|b| {
        let (lo, hi) = b.split_once('-').unwrap();
        (lo.parse().unwrap(), hi.parse().unwrap())
    });
    if hpa.is_none() {
        assert_eq!(parts[1], "no autoscaler");
    }
    (
        name.to_string(),
        replicas,
        hpa,
        parts[2].strip_prefix("cpu ").unwrap().to_string(),
        parts[3].strip_prefix("memory ").unwrap().to_string(),
    )
}

#[test]
fn the_scaffold_preview_is_what_the_cli_writes_for_every_example() {
    let dir = tempfile::tempdir().unwrap();
    for file in examples() {
        let stem = file.file_stem().unwrap().to_str().unwrap();
        let out = dir.path().join(stem);
        let stdout = cli(&[
            "scaffold",
            file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        let written = tree(&out);
        let preview = export::scaffold_preview(&via_ipc(&load(&file))).unwrap();
        let previewed: BTreeMap<String, (Vec<u8>, bool)> = preview
            .files
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    (f.contents.clone().into_bytes(), f.executable),
                )
            })
            .collect();
        assert_eq!(previewed.len(), preview.files.len(), "{stem}: a path twice");
        assert_eq!(
            previewed.keys().collect::<Vec<_>>(),
            written.keys().collect::<Vec<_>>(),
            "{stem}: paths"
        );
        for (path, (bytes, exec)) in &written {
            let (p_bytes, p_exec) = &previewed[path];
            assert!(p_bytes == bytes, "{stem}: {path} differs");
            assert_eq!(p_exec, exec, "{stem}: {path} executable");
        }
        for f in &preview.files {
            assert_eq!(f.bytes, f.contents.len() as u64);
        }
        let total: u64 = written.values().map(|(b, _)| b.len() as u64).sum();
        assert_eq!(preview.total_bytes, total, "{stem}");
        assert!(
            stdout.contains(&format!("({} files", written.len())),
            "{stdout}"
        );

        // The deployments the CLI lists, with the same numbers.
        let listed: Vec<_> = stdout
            .lines()
            .filter(|l| l.starts_with("  ") && l.contains(" replicas, "))
            .map(parse_deployment)
            .collect();
        let shown: Vec<_> = preview
            .deployments
            .iter()
            .map(|d| {
                (
                    d.deployment.clone(),
                    d.replicas,
                    d.hpa_min.zip(d.hpa_max),
                    d.cpu_request.clone(),
                    d.memory_request.clone(),
                )
            })
            .collect();
        assert_eq!(shown, listed, "{stem}");
        assert_eq!(
            stdout.contains("meets every target"),
            preview.meets_all_targets,
            "{stem}"
        );
    }
}

#[test]
fn the_shops_scaffold_is_small_enough_to_send_whole() {
    let preview = export::scaffold_preview(&shop_via_ipc()).unwrap();
    println!(
        "shop scaffold: {} files, {} bytes",
        preview.files.len(),
        preview.total_bytes
    );
    assert!(preview.total_bytes < 1 << 20, "{}", preview.total_bytes);
    // The shop's deployments as its plan sizes them (see `headroom scaffold` above).
    let names: Vec<&str> = preview
        .deployments
        .iter()
        .map(|d| d.deployment.as_str())
        .collect();
    assert_eq!(names, ["gateway", "api", "fulfilment"]);
    assert!(preview.files.iter().any(|f| f.path == "docker-compose.yml"));
    assert!(preview
        .files
        .iter()
        .any(|f| f.path == "k8s/base/kustomization.yaml"));
}

#[test]
fn folder_info_counts_and_names_entries() {
    let dir = tempfile::tempdir().unwrap();
    let missing = export::folder_info(&dir.path().join("nope")).unwrap();
    assert!(!missing.exists && !missing.is_dir && missing.entries == 0);
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let info = export::folder_info(&empty).unwrap();
    assert!(info.exists && info.is_dir);
    assert_eq!(info.entries, 0);
    let full = dir.path().join("full");
    fs::create_dir(&full).unwrap();
    for n in ["g", "f", "e", "d", "c", "b", "a"] {
        fs::write(full.join(n), n).unwrap();
    }
    fs::create_dir(full.join(".git")).unwrap();
    let info = export::folder_info(&full).unwrap();
    assert_eq!(info.entries, 8);
    assert_eq!(info.sample, [".git", "a", "b", "c", "d"]);
    let file = full.join("a");
    let info = export::folder_info(&file).unwrap();
    assert!(info.exists && !info.is_dir);
}

#[test]
fn generate_fills_a_new_or_empty_folder_refuses_a_full_one_and_force_replaces_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let model = shop_via_ipc();
    let preview = export::scaffold_preview(&model).unwrap();
    let expected: BTreeMap<String, (Vec<u8>, bool)> = preview
        .files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                (f.contents.clone().into_bytes(), f.executable),
            )
        })
        .collect();

    // A folder that does not exist yet.
    let fresh = dir.path().join("fresh");
    let done = export::generate_scaffold(&model, &fresh, false).unwrap();
    assert_eq!(done.files, preview.files.len());
    assert_eq!(done.bytes, preview.total_bytes);
    assert!(!done.replaced);
    assert_eq!(tree(&fresh), expected);

    // An empty one.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let done = export::generate_scaffold(&model, &empty, false).unwrap();
    assert!(!done.replaced);
    assert_eq!(tree(&empty), expected);

    // One with the user's files: refused, untouched.
    let full = dir.path().join("full");
    fs::create_dir_all(full.join("notes")).unwrap();
    fs::write(full.join("keep.txt"), "my notes").unwrap();
    fs::write(full.join("notes/a.md"), "more").unwrap();
    fs::write(full.join("docker-compose.yml"), "mine").unwrap();
    let before = tree(&full);
    let err = export::generate_scaffold(&model, &full, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotEmpty);
    assert_eq!(tree(&full), before);

    // With force: the whole folder is replaced — the user's files that the scaffold
    // does not write are gone too — and nothing is left beside it.
    let done = export::generate_scaffold(&model, &full, true).unwrap();
    assert!(done.replaced);
    assert_eq!(done.files, preview.files.len());
    assert_eq!(tree(&full), expected);
    assert!(!full.join("keep.txt").exists());
    assert_eq!(names_in(dir.path()), ["empty", "fresh", "full"]);

    // A file where the folder should be.
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let err = export::generate_scaffold(&model, &file, true).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotADirectory);
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
}
