//! How `kam` reports a failure: the core's code and message in both languages (or one JSON
//! object with `--json`), and usage errors in Chinese too — always exit status 1.

/// Print a failed command's error: the core's code and message (both languages), or for other
/// failures the message with its context. With `--json`, one JSON object on stderr:
/// `{"error": {"code", "message", "message_en", "field", "existing_id"}}`.
pub fn report_error(e: &anyhow::Error, json: bool) {
    let dto = e.chain().find_map(|c| c.downcast_ref::<kam_core::KamError>()).map(|k| k.to_dto());
    if json {
        let dto = dto.unwrap_or_else(|| kam_core::ErrorDto {
            code: "cli".into(),
            message: format!("{e:#}"),
            message_en: format!("{e:#}"),
            field: None,
            existing_id: None,
            entity: None,
        });
        eprintln!("{}", serde_json::json!({ "error": dto }));
        return;
    }
    match dto {
        Some(d) => {
            let context: Vec<String> = e
                .chain()
                .take_while(|c| c.downcast_ref::<kam_core::KamError>().is_none())
                .map(|c| c.to_string())
                .collect();
            let context = if context.is_empty() { String::new() } else { format!(" ({})", context.join(": ")) };
            eprintln!("错误 error [{}]: {}{context}\n  {}", d.code, d.message, d.message_en);
        }
        None => eprintln!("错误 error: {e:#}"),
    }
}

/// A usage error (unknown flag, missing argument, bad value): said in Chinese and English,
/// exit status 1 as the README promises (clap's own is English-only with status 2). Help and
/// version requests print as usual and exit 0.
pub fn usage_error(e: clap::Error, json: bool) -> ! {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let arg = e.get(ContextKind::InvalidArg).or_else(|| e.get(ContextKind::InvalidSubcommand)).map(|v| v.to_string());
    let arg = arg.map(|a| format!("「{a}」")).unwrap_or_default();
    let zh = match e.kind() {
        ErrorKind::UnknownArgument => format!("未知的选项{arg}。"),
        ErrorKind::InvalidSubcommand => format!("未知的子命令{arg}。"),
        ErrorKind::MissingRequiredArgument => format!("缺少必填的参数{arg}。"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少子命令。".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!("参数{arg}的值不正确。"),
        ErrorKind::ArgumentConflict => format!("参数{arg}不能同时使用。"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数{arg}的值个数不对。")
        }
        _ => "命令行用法不正确。".to_string(),
    };
    let zh = format!("{zh}用 kam --help（或 kam <子命令> --help）查看用法。");
    let en = e.render().to_string();
    if json {
        let dto = kam_core::ErrorDto {
            code: "usage".into(),
            message: zh,
            message_en: en,
            field: None,
            existing_id: None,
            entity: None,
        };
        eprintln!("{}", serde_json::json!({ "error": dto }));
    } else {
        eprintln!("错误 error: {zh}\n{en}");
    }
    std::process::exit(1);
}
