//! The desktop editor without Tauri: live analysis of an edited model, and documents
//! opened, autosaved, recovered and saved through the workspace without losing a byte.

use headroom::editor::{self, EditorError};
use headroom::error::{ErrorKind, HasKind};
use headroom::spec::{self, export, Spec};
use headroom::store::content_hash;

use crate::common::generated_spec::generated_spec;
use crate::common::models::MODELS;
use crate::common::shop::{api_replicas, shop, SHOP};
use crate::common::workspace;

#[test]
fn live_gives_canonical_yaml_and_the_analysis_of_a_valid_model() {
    let model = shop();
    let header = vec!["# the shop".to_string()];
    let live = editor::live(&model, "shop.yaml", &header);
    assert_eq!(live.yaml, export::to_yaml(&model, &["# the shop"]));
    assert!(live.diagnostics.is_empty(), "{:?}", live.diagnostics);
    let a = live.analysis.expect("a valid model is analysed");
    // The figures of the shop worked out by hand in analysis.rs.
    let api = a.components.iter().find(|c| c.name == "api").unwrap();
    assert!((api.arrival_rps - 920.0).abs() < 1e-9);
    assert_eq!(a.dependencies.len(), model.dependencies.len());
    assert!((a.dependencies[0].rate_rps - 520.0).abs() < 1e-9);
    assert_eq!(a.bottleneck.as_deref(), Some("fulfilment"));
    assert!(a.scorecard.iter().any(|t| !t.pass));
}

/// `live` analyses a model without problems as it stands, skipping the read-back of its
/// YAML; the answer must be the one reading it back gives, for every example and a
/// generated model of 300 components.
#[test]
fn live_answers_a_valid_model_as_reading_its_yaml_back_would() {
    let mut models: Vec<(String, Spec)> = std::fs::read_dir(MODELS)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            let model = spec::check_file(&path).unwrap().into_result().unwrap();
            (path.display().to_string(), model)
        })
        .collect();
    assert!(models.len() >= 4, "{} examples", models.len());
    let generated = generated_spec(30);
    models.push((
        "generated.yaml".into(),
        spec::check("generated.yaml", generated.as_bytes())
            .into_result()
            .unwrap(),
    ));
    let header = vec!["# a comment".to_string()];
    for (file, model) in &models {
        let quick = editor::live(model, file, &header);
        assert!(
            quick.analysis.is_some() || quick.analysis_error.is_some(),
            "{file}"
        );
        let slow = editor::live_of_yaml(file, export::to_yaml(model, &["# a comment"]));
        assert_eq!(quick, slow, "{file}");
    }
}

#[test]
fn live_reports_a_bad_field_at_its_path_and_line_and_withholds_numbers() {
    let mut model = shop();
    let i = model
        .components
        .iter()
        .position(|c| c.name == "api")
        .unwrap();
    model.components[i].replicas = Some(0);
    let live = editor::live(&model, "shop.yaml", &[]);
    assert!(live.analysis.is_none());
    let d = live
        .diagnostics
        .iter()
        .find(|d| d.path == format!("components[{i}].replicas"))
        .unwrap_or_else(|| panic!("{:?}", live.diagnostics));
    let line = live.yaml.lines().nth(d.line as usize - 1).unwrap();
    assert!(line.contains("replicas: 0"), "line {}: {line}", d.line);
}

#[test]
fn a_file_is_one_project_however_often_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let file = dir.path().join("shop.yaml");
    std::fs::copy(SHOP, &file).unwrap();

    let first = editor::open_file(&mut ws, &file).unwrap();
    assert_eq!(first.project.name, "shop");
    assert_eq!(first.project.revision_count, 1);
    assert_eq!(first.view.spec.as_ref(), Some(&shop()));
    assert_eq!(
        first.file_hash.as_deref(),
        Some(content_hash(&std::fs::read_to_string(SHOP).unwrap()).as_str())
    );
    assert!(first.header[0].starts_with('#'));
    assert!(first.recovered.is_none());

    let again = editor::open_file(&mut ws, &file).unwrap();
    assert_eq!(again.project.id, first.project.id);
    assert_eq!(
        again.project.revision_count, 1,
        "the same text is no new revision"
    );
    assert_eq!(ws.list_projects().unwrap().len(), 1);
    assert_eq!(
        ws.recent_files().unwrap()[0].path,
        file.display().to_string()
    );

    // Changed outside the app: the new text becomes a revision of the same project.
    let edited = std::fs::read_to_string(SHOP)
        .unwrap()
        .replace("name: shop", "name: shop2");
    std::fs::write(&file, &edited).unwrap();
    let third = editor::open_file(&mut ws, &file).unwrap();
    assert_eq!(third.project.id, first.project.id);
    assert_eq!(third.project.revision_count, 2);
    assert_eq!(third.view.spec.unwrap().name, "shop2");
}

#[test]
fn autosaved_edits_come_back_after_a_crash_and_go_when_saved() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.yaml");
    std::fs::copy(SHOP, &file).unwrap();
    let doc = {
        let mut ws = workspace(&dir);
        let doc = editor::open_file(&mut ws, &file).unwrap();
        let edited = api_replicas(7);
        editor::autosave(&mut ws, doc.project.id, &edited, &doc.header).unwrap();
        doc
        // The app "crashes" here: the workspace is dropped without a save.
    };
    let mut ws = workspace(&dir);
    let back = editor::open_file(&mut ws, &file).unwrap();
    let recovered = back.recovered.expect("the autosaved edit is offered back");
    assert_eq!(recovered.view.spec.unwrap(), api_replicas(7));
    // The file itself was never touched by the autosave.
    assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(SHOP).unwrap());

    let edited = api_replicas(7);
    let saved = editor::save(
        &mut ws,
        doc.project.id,
        &file,
        &edited,
        &doc.header,
        doc.file_hash.as_deref(),
    )
    .unwrap();
    assert!(saved.warning.is_none());
    // Every comment of the file is kept, and every line but the edited one.
    let header: Vec<&str> = doc.header.iter().map(String::as_str).collect();
    let original = std::fs::read_to_string(SHOP).unwrap();
    let canonical = export::to_yaml_with(&edited, &header, &export::comments_of(&original));
    assert_eq!(
        canonical,
        original.replacen("    replicas: 4\n", "    replicas: 7\n", 1)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), canonical);
    assert_eq!(saved.yaml, canonical);
    assert_eq!(saved.file_hash, content_hash(&canonical));
    // What the app saves, the CLI reads as the same model.
    assert_eq!(
        spec::check_file(&file).unwrap().into_result().unwrap(),
        edited
    );
    assert!(editor::open_file(&mut ws, &file)
        .unwrap()
        .recovered
        .is_none());
}

#[test]
fn a_file_changed_outside_the_app_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let file = dir.path().join("shop.yaml");
    std::fs::copy(SHOP, &file).unwrap();
    let doc = editor::open_file(&mut ws, &file).unwrap();
    std::fs::write(&file, "# someone else's edit\n").unwrap();
    let err = editor::save(
        &mut ws,
        doc.project.id,
        &file,
        &shop(),
        &doc.header,
        doc.file_hash.as_deref(),
    )
    .unwrap_err();
    assert!(matches!(err, EditorError::ChangedOnDisk { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::ChangedOnDisk);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "# someone else's edit\n"
    );
}

#[test]
fn a_new_model_lives_in_the_workspace_until_saved_as_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let doc = editor::new_document(&mut ws).unwrap();
    assert!(doc.file.is_none());
    let model = doc.view.spec.clone().unwrap();
    assert!(model.components.is_empty());

    let target = dir.path().join("new.yaml");
    let saved = editor::save(&mut ws, doc.project.id, &target, &shop(), &[], None).unwrap();
    assert_eq!(saved.file, target.display().to_string());
    assert_eq!(
        ws.project(doc.project.id).unwrap().yaml_path.as_deref(),
        Some(target.to_str().unwrap())
    );
    let reopened = editor::open_project(&mut ws, doc.project.id).unwrap();
    assert_eq!(reopened.file.as_deref(), Some(target.to_str().unwrap()));
    assert_eq!(reopened.view.spec.unwrap(), shop());
}

#[test]
fn an_unreadable_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let missing = dir.path().join("nope.yaml");
    let err = editor::open_file(&mut ws, &missing).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("nope.yaml"), "{err}");
}
