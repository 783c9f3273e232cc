//! A closed typst world: one template, one JSON data file, one embedded font, no file system,
//! no packages, no network. Everything a document needs is inside the binary.

use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// IPAex Gothic, redistributed under the IPA Font License (fonts/LICENSE-IPA.txt).
static FONT_DATA: &[u8] = include_bytes!("../fonts/ipaexg.ttf");

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = Font::iter(Bytes::new(FONT_DATA)).collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// Whether the embedded font parsed; checked once by the renderer so that a broken build
/// gives an error instead of a PDF with no text.
pub(crate) fn font_loaded() -> bool {
    !shared().fonts.is_empty()
}

fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One compilation: the template as `/main.typ` and the data as `/data.json`.
pub(crate) struct DocumentWorld {
    main: Source,
    data: Bytes,
    data_id: Option<FileId>,
    today: Datetime,
}

impl DocumentWorld {
    pub(crate) fn new(template: &str, data: Vec<u8>, today: Datetime) -> Option<Self> {
        let main_id = file_id("/main.typ")?;
        Some(Self {
            main: Source::new(main_id, template.to_owned()),
            data: Bytes::new(data),
            data_id: file_id("/data.json"),
            today,
        })
    }
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if Some(id) == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
