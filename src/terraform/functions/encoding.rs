//! Encodings and hashes: `base64encode`, `sha256`.

use super::*;

pub(super) fn call(name: &str, args: &[Val], _: &Ctx) -> Option<Val> {
    let a = Args(args);
    Some(match name {
        "base64encode" => a
            .s(0)
            .map(|x| Val::Str(base64(x.as_bytes())))
            .unwrap_or_else(|| Val::error("base64encode takes a string")),
        "sha256" => a
            .s(0)
            .map(|x| Val::Str(crate::model::sha256_hex(x.as_bytes())))
            .unwrap_or_else(|| Val::error("sha256 takes a string")),
        _ => return None,
    })
}

pub(super) fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
