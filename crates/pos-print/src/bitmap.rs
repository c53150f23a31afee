//! A 1-bit image in the printer's own layout: rows of bytes, most significant bit leftmost,
//! 1 = a dot burned (black). This is exactly what `GS v 0` sends, so encoding is a copy.

/// The two paper widths of Cambodian counters, in printable dots at 203 dpi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PaperWidth {
    /// 58 mm paper: 384 dots.
    Mm58,
    /// 80 mm paper: 576 dots.
    Mm80,
}

impl PaperWidth {
    /// The width of `mm` paper: 58 or 80, else `None`.
    pub const fn from_mm(mm: u32) -> Option<PaperWidth> {
        match mm {
            58 => Some(PaperWidth::Mm58),
            80 => Some(PaperWidth::Mm80),
            _ => None,
        }
    }

    /// Printable width in dots.
    pub const fn dots(self) -> usize {
        match self {
            PaperWidth::Mm58 => 384,
            PaperWidth::Mm80 => 576,
        }
    }
}

/// A black-and-white image whose width is a whole number of bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl Bitmap {
    /// An all-white image `width` dots wide (rounded up to whole bytes) and `height` tall.
    pub fn new(width: usize, height: usize) -> Bitmap {
        let width = width.div_ceil(8) * 8;
        Bitmap {
            width,
            height,
            data: vec![0; width / 8 * height],
        }
    }

    /// An image from packed rows (as `GS v 0` carries them); `None` if the sizes disagree.
    pub fn from_rows(width: usize, height: usize, data: Vec<u8>) -> Option<Bitmap> {
        (width % 8 == 0 && data.len() == width / 8 * height).then_some(Bitmap {
            width,
            height,
            data,
        })
    }

    /// Width in dots (a multiple of 8).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in dots.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Bytes per row.
    pub fn row_bytes(&self) -> usize {
        self.width / 8
    }

    /// The packed rows, top to bottom.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Whether the dot at (`x`, `y`) is black; outside the image is white.
    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.width
            && y < self.height
            && self.data[y * self.row_bytes() + x / 8] & (0x80 >> (x % 8)) != 0
    }

    /// Blackens the dot at (`x`, `y`), growing the image downwards if needed; dots right
    /// of the width are clipped (the paper ends there).
    pub fn set(&mut self, x: usize, y: usize) {
        if x >= self.width {
            return;
        }
        self.grow_to(y + 1);
        let row = self.row_bytes();
        self.data[y * row + x / 8] |= 0x80 >> (x % 8);
    }

    /// Extends the image with white rows to at least `height`.
    pub fn grow_to(&mut self, height: usize) {
        if height > self.height {
            self.height = height;
            self.data.resize(self.row_bytes() * height, 0);
        }
    }

    /// Blackens a filled rectangle, clipped to the width.
    pub fn fill(&mut self, x: usize, y: usize, w: usize, h: usize) {
        for yy in y..y + h {
            for xx in x..(x + w).min(self.width) {
                self.set(xx, yy);
            }
        }
    }

    /// Swaps black and white inside a rectangle (for a banner of white text on black).
    pub fn invert(&mut self, x: usize, y: usize, w: usize, h: usize) {
        self.grow_to(y + h);
        let row = self.row_bytes();
        for yy in y..y + h {
            for xx in x..(x + w).min(self.width) {
                self.data[yy * row + xx / 8] ^= 0x80 >> (xx % 8);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_packed_most_significant_bit_first() {
        let mut b = Bitmap::new(10, 1);
        assert_eq!(b.width(), 16);
        b.set(0, 0);
        b.set(9, 2);
        assert_eq!(b.height(), 3);
        assert_eq!(b.data()[0], 0x80);
        assert_eq!(b.data()[5], 0x40);
        assert!(b.get(9, 2) && !b.get(8, 2) && !b.get(100, 0));
    }

    #[test]
    fn rows_of_the_wrong_size_are_refused() {
        assert!(Bitmap::from_rows(16, 2, vec![0; 3]).is_none());
        assert!(Bitmap::from_rows(12, 1, vec![0; 2]).is_none());
        assert!(Bitmap::from_rows(16, 2, vec![0; 4]).is_some());
    }
}
