//! Shaped text on the bitmap: Khmer runs are shaped by `rustybuzz` with Noto Sans Khmer
//! (reordering, subscript consonants under the base, vowel signs around it), other runs with
//! Noto Sans, and each glyph's outline is filled by `ab_glyph_rasterizer` and thresholded at
//! half coverage, which gives crisp 1-bit edges on a 203 dpi head.

// Pixel geometry in f32 (font units times a scale); never money. Casts of these values to
// dot positions are clamped or saturate, which is what clipping at the paper edge wants.
#![allow(
    clippy::float_arithmetic,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use ab_glyph_rasterizer::{point, Point, Rasterizer};
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Face, UnicodeBuffer};

use crate::bitmap::Bitmap;
use crate::error::PrintError;

static LATIN_REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static LATIN_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
static KHMER_REGULAR: &[u8] = include_bytes!("../fonts/NotoSansKhmer-Regular.ttf");
static KHMER_BOLD: &[u8] = include_bytes!("../fonts/NotoSansKhmer-Bold.ttf");

/// Khmer is set a little larger than Latin of the same size: Noto Sans Khmer's consonants
/// match Latin x-height, and at 203 dpi the stacked subscripts and small vowel signs need
/// the extra dots to stay legible.
const KHMER_SCALE: f32 = 1.15;

/// Regular or bold text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// A size (pixel height of the em) and weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub px: u16,
    pub weight: Weight,
}

/// The four bundled faces, parsed once per render.
pub(crate) struct Fonts {
    faces: [Face<'static>; 4],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Khmer,
}

/// One glyph placed on a line: pen position and offsets in dots, relative to the line start
/// and the baseline (y down).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    face: usize,
    pub glyph: u16,
    x: f32,
    y: f32,
    scale: f32,
}

/// A shaped line of text.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub glyphs: Vec<Placed>,
    pub width: f32,
    pub ascent: f32,
    pub descent: f32,
}

impl Line {
    /// Dots from the top of the line to the bottom of its lowest descender.
    pub fn height(&self) -> usize {
        (self.ascent + self.descent).ceil() as usize
    }

    /// Width in whole dots.
    pub fn dots(&self) -> usize {
        self.width.ceil() as usize
    }
}

fn script(c: char) -> Option<Script> {
    match c {
        '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}' => Some(Script::Khmer),
        // Zero-width joiners and spaces belong to the run around them.
        '\u{200B}'..='\u{200D}' => None,
        _ => Some(Script::Latin),
    }
}

/// Splits `text` into maximal runs of one script.
fn runs(text: &str) -> Vec<(Script, &str)> {
    let mut out: Vec<(Script, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<Script> = None;
    for (i, c) in text.char_indices() {
        match (current, script(c)) {
            (Some(a), Some(b)) if a != b => {
                out.push((a, &text[start..i]));
                start = i;
                current = Some(b);
            }
            (None, s) => current = s,
            _ => {}
        }
    }
    if start < text.len() {
        out.push((current.unwrap_or(Script::Latin), &text[start..]));
    }
    out
}

/// Whether a line may break between `prev` and `next` inside a word without splitting a
/// Khmer cluster (a break before a dependent vowel or sign, or after a coeng, would leave a
/// mark with no base and print a dotted circle).
fn cluster_boundary(prev: char, next: char) -> bool {
    !matches!(
        next,
        '\u{17B6}'..='\u{17D3}' | '\u{17DD}' | '\u{200C}' | '\u{200D}'
    ) && prev != '\u{17D2}'
        && !(next.is_ascii_digit() && prev.is_ascii_digit())
}

impl Fonts {
    pub fn load() -> Result<Fonts, PrintError> {
        let face =
            |data: &'static [u8], name| Face::from_slice(data, 0).ok_or(PrintError::Font { name });
        Ok(Fonts {
            faces: [
                face(LATIN_REGULAR, "NotoSans-Regular")?,
                face(LATIN_BOLD, "NotoSans-Bold")?,
                face(KHMER_REGULAR, "NotoSansKhmer-Regular")?,
                face(KHMER_BOLD, "NotoSansKhmer-Bold")?,
            ],
        })
    }

    fn scale(face: &Face<'_>, script: Script, style: Style) -> f32 {
        let px = f32::from(style.px) / face.units_per_em() as f32;
        match script {
            Script::Latin => px,
            Script::Khmer => px * KHMER_SCALE,
        }
    }

    fn face_index(script: Script, weight: Weight) -> usize {
        match (script, weight) {
            (Script::Latin, Weight::Regular) => 0,
            (Script::Latin, Weight::Bold) => 1,
            (Script::Khmer, Weight::Regular) => 2,
            (Script::Khmer, Weight::Bold) => 3,
        }
    }

    /// Shapes `text` as one line.
    pub fn shape(&self, text: &str, style: Style) -> Line {
        let mut line = Line {
            glyphs: Vec::new(),
            width: 0.0,
            ascent: 0.0,
            descent: 0.0,
        };
        // Both scripts' metrics set every line's height, so Latin-only and Khmer lines of
        // one size sit on an even pitch.
        for script in [Script::Latin, Script::Khmer] {
            let face = &self.faces[Self::face_index(script, style.weight)];
            let scale = Self::scale(face, script, style);
            line.ascent = line.ascent.max(f32::from(face.ascender()) * scale);
            line.descent = line.descent.max(-f32::from(face.descender()) * scale);
        }
        for (script, run) in runs(text) {
            let index = Self::face_index(script, style.weight);
            let face = &self.faces[index];
            let scale = Self::scale(face, script, style);
            let mut buffer = UnicodeBuffer::new();
            buffer.push_str(run);
            buffer.guess_segment_properties();
            let shaped = rustybuzz::shape(face, &[], buffer);
            for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
                line.glyphs.push(Placed {
                    face: index,
                    glyph: u16::try_from(info.glyph_id).unwrap_or(0),
                    x: line.width + pos.x_offset as f32 * scale,
                    y: -(pos.y_offset as f32) * scale,
                    scale,
                });
                line.width += pos.x_advance as f32 * scale;
            }
        }
        line
    }

    /// Shapes `text` into lines no wider than `max_width` dots: breaks at spaces, and inside
    /// a word too long for a line at Khmer cluster boundaries.
    pub fn wrap(&self, text: &str, style: Style, max_width: usize) -> Vec<Line> {
        let max = max_width as f32;
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if self.shape(&candidate, style).width <= max {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(self.shape(&current, style));
            }
            current = self.break_word(word, style, max, &mut lines);
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(self.shape(&current, style));
        }
        lines
    }

    /// Pushes full lines of a word wider than `max`; returns the rest, which fits.
    fn break_word(&self, word: &str, style: Style, max: f32, lines: &mut Vec<Line>) -> String {
        let mut rest = word;
        while self.shape(rest, style).width > max {
            let chars: Vec<(usize, char)> = rest.char_indices().collect();
            // The longest prefix ending on a cluster boundary that fits; at least one
            // cluster, so a single huge glyph still advances.
            let mut cut = None;
            for pair in chars.windows(2) {
                let ((_, prev), (at, next)) = (pair[0], pair[1]);
                if !cluster_boundary(prev, next) {
                    continue;
                }
                if cut.is_some() && self.shape(&rest[..at], style).width > max {
                    break;
                }
                cut = Some(at);
            }
            let Some(at) = cut else { break };
            lines.push(self.shape(&rest[..at], style));
            rest = &rest[at..];
        }
        rest.to_owned()
    }

    /// Draws `line` with its left edge at `x` and its top at `top`.
    pub fn draw(&self, line: &Line, bitmap: &mut Bitmap, x: usize, top: usize) {
        let baseline = top as f32 + line.ascent;
        for g in &line.glyphs {
            self.draw_glyph(g, bitmap, x as f32 + g.x, baseline + g.y);
        }
    }

    fn draw_glyph(&self, g: &Placed, bitmap: &mut Bitmap, origin_x: f32, origin_y: f32) {
        let face = &self.faces[g.face];
        let id = GlyphId(g.glyph);
        let Some(bbox) = face.glyph_bounding_box(id) else {
            return; // A space or other empty glyph.
        };
        let left = (origin_x + f32::from(bbox.x_min) * g.scale).floor();
        let top = (origin_y - f32::from(bbox.y_max) * g.scale).floor();
        let right = (origin_x + f32::from(bbox.x_max) * g.scale).ceil();
        let bottom = (origin_y - f32::from(bbox.y_min) * g.scale).ceil();
        let (w, h) = ((right - left) as usize + 1, (bottom - top) as usize + 1);
        let mut outline = Outline {
            raster: Rasterizer::new(w, h),
            scale: g.scale,
            dx: origin_x - left,
            dy: origin_y - top,
            start: point(0.0, 0.0),
            last: point(0.0, 0.0),
        };
        if face.outline_glyph(id, &mut outline).is_none() {
            return;
        }
        outline.raster.for_each_pixel_2d(|px, py, coverage| {
            let (bx, by) = (left + px as f32, top + py as f32);
            if coverage >= 0.5 && bx >= 0.0 && by >= 0.0 {
                bitmap.set(bx as usize, by as usize);
            }
        });
    }
}

/// Feeds a glyph outline in font units (y up) to the rasterizer in dots (y down).
struct Outline {
    raster: Rasterizer,
    scale: f32,
    dx: f32,
    dy: f32,
    start: Point,
    last: Point,
}

impl Outline {
    fn map(&self, x: f32, y: f32) -> Point {
        point(self.dx + x * self.scale, self.dy - y * self.scale)
    }
}

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.start = self.map(x, y);
        self.last = self.start;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.map(x, y);
        self.raster.draw_line(self.last, p);
        self.last = p;
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (c, p) = (self.map(x1, y1), self.map(x, y));
        self.raster.draw_quad(self.last, c, p);
        self.last = p;
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, p) = (self.map(x1, y1), self.map(x2, y2), self.map(x, y));
        self.raster.draw_cubic(self.last, c1, c2, p);
        self.last = p;
    }
    fn close(&mut self) {
        if self.last != self.start {
            self.raster.draw_line(self.last, self.start);
        }
        self.last = self.start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLE: Style = Style {
        px: 24,
        weight: Weight::Regular,
    };

    fn glyphs(fonts: &Fonts, text: &str) -> Vec<u16> {
        fonts
            .shape(text, STYLE)
            .glyphs
            .iter()
            .map(|g| g.glyph)
            .collect()
    }

    fn dotted_circle(fonts: &Fonts) -> u16 {
        let face = &fonts.faces[2];
        face.glyph_index('\u{25CC}').map_or(0, |g| g.0)
    }

    #[test]
    fn khmer_words_shape_without_dotted_circles() {
        let fonts = Fonts::load().unwrap();
        let circle = dotted_circle(&fonts);
        assert_ne!(circle, 0);
        for word in ["ច្បាប់ចម្លង", "បង្កាន់ដៃ", "សូមអរគុណ", "ស្ត្រី", "កាលបរិច្ឆេទ"]
        {
            assert!(!glyphs(&fonts, word).contains(&circle), "{word}");
        }
        // The check can fail: a coeng with no base consonant does get the circle.
        assert!(glyphs(&fonts, "\u{17D2}ក").contains(&circle));
    }

    #[test]
    fn a_subscript_consonant_takes_its_subscript_form_below_the_base() {
        let fonts = Fonts::load().unwrap();
        let face = &fonts.faces[2];
        let ka = face.glyph_index('ក').unwrap().0;
        let shaped = fonts.shape("ក្ក", STYLE);
        // Coeng + KA becomes one subscript glyph, not a second full KA beside the first.
        let ids: Vec<u16> = shaped.glyphs.iter().map(|g| g.glyph).collect();
        assert_eq!(ids.iter().filter(|&&g| g == ka).count(), 1, "{ids:?}");
        assert!(ids.len() == 2, "{ids:?}");
        // And the pair is as wide as one consonant: the subscript stacks, it does not follow.
        let single = fonts.shape("ក", STYLE).width;
        assert!(
            (shaped.width - single).abs() < 1.0,
            "{} vs {single}",
            shaped.width
        );
    }

    #[test]
    fn the_prefixed_vowel_is_reordered_before_its_consonant() {
        let fonts = Fonts::load().unwrap();
        // "កេ" is typed KA + E but E is drawn first (left of KA).
        let shaped = fonts.shape("កេ", STYLE);
        let face = &fonts.faces[2];
        let ka = face.glyph_index('ក').unwrap().0;
        assert_eq!(shaped.glyphs.last().map(|g| g.glyph), Some(ka));
    }

    #[test]
    fn mixed_text_uses_the_latin_face_for_latin_runs() {
        let fonts = Fonts::load().unwrap();
        let line = fonts.shape("សរុប / Total 12.50", STYLE);
        assert!(line.glyphs.iter().any(|g| g.face == 0));
        assert!(line.glyphs.iter().any(|g| g.face == 2));
        assert_eq!(runs("សរុប / Total").len(), 2);
    }

    #[test]
    fn long_words_break_between_clusters_and_every_line_fits() {
        let fonts = Fonts::load().unwrap();
        let circle = dotted_circle(&fonts);
        let text = "ហាងកាហ្វេស្រស់ស្អាតនៅភ្នំពេញ Coffee";
        let lines = fonts.wrap(text, STYLE, 120);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(line.width <= 120.0, "{}", line.width);
            assert!(!line.glyphs.iter().any(|g| g.glyph == circle));
        }
    }
}
