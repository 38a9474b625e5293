//! Generates the window's typed command client (ui/src/bindings/commands.ts) from the
//! `#[tauri::command]` functions in commands.rs: one TypeScript function per command, with the
//! command's argument names (camelCase, as Tauri expects) and the ts-rs types of its arguments
//! and result. Runs with `cargo test -p kam-app`, like ts-rs's bindings; scripts/test fails when
//! the committed file differs. The UI never calls `invoke("a string")` itself.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

/// One command as the client sees it.
pub struct Command {
    pub name: String,
    /// (argument name in Rust, TypeScript type)
    pub args: Vec<(String, String)>,
    pub result: String,
}

/// Arguments Tauri injects itself; they are not part of the client call.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow"];

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

fn generic(seg: &syn::PathSegment) -> Option<&Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The TypeScript form of a Rust type in a command signature; named types are collected for import.
fn ts(ty: &Type, imports: &mut BTreeSet<String>) -> String {
    if let Type::Tuple(t) = ty {
        assert!(t.elems.is_empty(), "tuples are not supported in command signatures");
        return "null".into();
    }
    let seg = last_segment(ty).unwrap_or_else(|| panic!("unsupported type in a command signature"));
    let name = seg.ident.to_string();
    let arg = generic(seg);
    let inner = |imports: &mut BTreeSet<String>| ts(arg.expect("a generic argument"), imports);
    match name.as_str() {
        "String" | "str" | "PathBuf" => "string".into(),
        "bool" => "boolean".into(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" | "f64" => "number".into(),
        "Option" => format!("{} | null", inner(imports)),
        "Vec" => {
            let t = inner(imports);
            if t.contains(' ') {
                format!("({t})[]")
            } else {
                format!("{t}[]")
            }
        }
        "Channel" => format!("Channel<{}>", inner(imports)),
        "HashMap" | "BTreeMap" => {
            let PathArguments::AngleBracketed(a) = &seg.arguments else { panic!("{name}<K, V>") };
            let kv: Vec<String> = a
                .args
                .iter()
                .filter_map(|g| match g {
                    GenericArgument::Type(t) => Some(ts(t, imports)),
                    _ => None,
                })
                .collect();
            assert_eq!(kv.len(), 2, "{name}<K, V>");
            format!("{{ [key in {}]: {} }}", kv[0], kv[1])
        }
        _ => {
            imports.insert(name.clone());
            alias(&name)
        }
    }
}

/// Binding names that would shadow a TypeScript global get a prefix.
fn alias(name: &str) -> String {
    match name {
        "Record" => "KamRecord".into(),
        _ => name.into(),
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The commands in `source` (commands.rs), in file order.
pub fn commands(source: &str, imports: &mut BTreeSet<String>) -> Vec<Command> {
    let file = syn::parse_file(source).expect("commands.rs parses");
    let mut out = Vec::new();
    for item in file.items {
        let Item::Fn(f) = item else { continue };
        let is_command = f.attrs.iter().any(|a| {
            let p = a.path();
            p.segments.len() == 2 && p.segments[0].ident == "tauri" && p.segments[1].ident == "command"
        });
        if !is_command {
            continue;
        }
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(pt) = input else { panic!("{}: commands take no self", f.sig.ident) };
            let seg = last_segment(&pt.ty).expect("a named argument type");
            if INJECTED.contains(&seg.ident.to_string().as_str()) {
                continue;
            }
            let Pat::Ident(id) = &*pt.pat else { panic!("{}: plain argument names only", f.sig.ident) };
            args.push((id.ident.to_string(), ts(&pt.ty, imports)));
        }
        let result = match &f.sig.output {
            ReturnType::Type(_, ty) => {
                let seg = last_segment(ty).expect("a named result type");
                assert_eq!(seg.ident, "Res", "{}: commands return Res<T>", f.sig.ident);
                match generic(seg).expect("Res<T>") {
                    Type::Tuple(t) if t.elems.is_empty() => "void".into(),
                    t => ts(t, imports),
                }
            }
            ReturnType::Default => "void".into(),
        };
        out.push(Command { name: f.sig.ident.to_string(), args, result });
    }
    out
}

/// The whole of ui/src/bindings/commands.ts.
pub fn client(source: &str) -> String {
    let mut imports = BTreeSet::new();
    let commands = commands(source, &mut imports);
    let mut s = String::from(
        "// Generated from src-tauri/src/commands.rs by `cargo test -p kam-app` (src-tauri/src/client_gen.rs).\n\
         // Do not edit: change the command in Rust and run the tests. One typed function per command;\n\
         // errors are rethrown as KamError by `call` (ui/src/ipc.ts).\n",
    );
    if commands.iter().any(|c| c.args.iter().any(|(_, t)| t.starts_with("Channel<"))) {
        s.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    s.push_str("import { call } from \"../ipc\";\n");
    for name in &imports {
        let a = alias(name);
        if a == *name {
            let _ = writeln!(s, "import type {{ {name} }} from \"./{name}\";");
        } else {
            let _ = writeln!(s, "import type {{ {name} as {a} }} from \"./{name}\";");
        }
    }
    for c in &commands {
        let params: Vec<String> = c.args.iter().map(|(n, t)| format!("{}: {t}", camel(n))).collect();
        let keys: Vec<String> = c.args.iter().map(|(n, _)| camel(n)).collect();
        let args = if keys.is_empty() { String::new() } else { format!(", {{ {} }}", keys.join(", ")) };
        let _ = write!(
            s,
            "\nexport function {}({}): Promise<{}> {{\n  return call<{}>(\"{}\"{args});\n}}\n",
            camel(&c.name),
            params.join(", "),
            c.result,
            c.result,
            c.name
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = include_str!("commands.rs");
    const CLIENT: &str = "../ui/src/bindings/commands.ts";

    /// Writes the client (like ts-rs writes the type bindings); CI fails if the committed file differs.
    #[test]
    fn typescript_client_is_generated() {
        let text = client(SOURCE);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CLIENT);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, &text).expect("write ui/src/bindings/commands.ts");
        }
    }

    /// The handler list, tauri-build's list and the capability all come from the same functions.
    #[test]
    fn handler_manifest_capability_and_client_agree() {
        let mut imports = BTreeSet::new();
        let names: Vec<String> = commands(SOURCE, &mut imports).into_iter().map(|c| c.name).collect();
        assert!(names.len() > 10);
        let built: &[&str] = include!(concat!(env!("OUT_DIR"), "/command_names.rs"));
        assert_eq!(built, names.as_slice(), "build.rs reads the same commands as the client generator");
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).expect("capability JSON");
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .map(|p| p.as_str().expect("a permission name").to_string())
            .collect();
        let plugins: &[&str] = include!(concat!(env!("OUT_DIR"), "/plugin_permissions.rs"));
        assert_eq!(plugins, ["dialog:allow-open", "dialog:allow-save"], "only the native open and save dialogs");
        let expected: Vec<String> = names
            .iter()
            .map(|n| format!("allow-{}", n.replace('_', "-")))
            .chain(plugins.iter().map(|p| p.to_string()))
            .collect();
        assert_eq!(granted, expected, "the capability grants exactly the app's own commands and the dialogs");
        let client = client(SOURCE);
        for n in &names {
            assert!(client.contains(&format!("(\"{n}\"")), "{n} not in the client");
        }
    }

    #[test]
    fn types_map_to_typescript() {
        let src = r#"
            #[tauri::command]
            pub async fn a_b(state: State<'_, AppState>, user_id: String, ids: Vec<String>, n: Option<u32>,
                             on_progress: Channel<u32>, r: Option<Record>, m: HashMap<String, u32>) -> Res<Vec<Customer>> { todo!() }
            #[tauri::command]
            pub async fn c(state: State<'_, AppState>) -> Res<()> { todo!() }
            pub fn not_a_command() {}
        "#;
        let text = client(src);
        assert!(text.contains(
            "export function aB(userId: string, ids: string[], n: number | null, onProgress: Channel<number>, r: KamRecord | null, m: { [key in string]: number }): Promise<Customer[]>"
        ), "{text}");
        assert!(text.contains("return call<Customer[]>(\"a_b\", { userId, ids, n, onProgress, r, m });"));
        assert!(text.contains("export function c(): Promise<void> {\n  return call<void>(\"c\");"));
        assert!(text.contains("import type { Record as KamRecord } from \"./Record\";"));
        assert!(!text.contains("notACommand"));
    }
}
