//! The Bakong token on disk: read at start, and replaced atomically (write a temporary file,
//! sync, rename) whenever the client renews it, because renewal may revoke the old token and
//! a half-written file would leave the shop with none.

use std::path::Path;

use pos_bakong::Token;

use crate::CoreError;

/// Reads the token file; `Ok(None)` when it does not exist or is empty.
pub fn read(path: &Path) -> Result<Option<Token>, CoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Ok(None),
        Ok(text) => Ok(Some(Token::new(text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CoreError::TokenFile {
            path: path.to_owned(),
            reason: e.to_string(),
        }),
    }
}

/// Replaces the token file's content with `token` atomically.
pub fn write(path: &Path, token: &Token) -> Result<(), CoreError> {
    let failed = |e: std::io::Error| CoreError::TokenFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut bytes = token.expose().as_bytes().to_vec();
    bytes.push(b'\n');
    crate::private_file::replace(path, &bytes).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_token_reads_back_and_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("bakong-token");
        assert_eq!(read(&path).unwrap(), None);
        write(&path, &Token::new("first")).unwrap();
        write(&path, &Token::new("second")).unwrap();
        assert_eq!(read(&path).unwrap(), Some(Token::new("second")));
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[cfg(unix)]
    #[test]
    fn the_token_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bakong-token");
        write(&path, &Token::new("secret")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
