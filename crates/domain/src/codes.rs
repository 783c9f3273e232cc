//! `coded_enum!`: a closed list of values with a stable code (stored and on the wire) and a
//! Japanese label (on screens and documents), so each list is written once; and the one parser
//! of a list filter's value.

/// Declares an enum whose variants each have a code and a label:
/// `ALL`, `code()`, `parse(code)`, `label()`, and serde by code.
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code (stored, and on the wire).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
            /// The Japanese label for screens and documents.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}

/// Shared by the filters: `""` → any, a known value → it, anything else → a message listing
/// the accepted values.
pub(crate) fn parse_filter<T, const N: usize>(
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    accepted: [&str; N],
) -> Result<Option<T>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse(s).map(Some).ok_or_else(|| {
        format!(
            "{what}「{s}」は指定できません（{} のいずれか）",
            accepted.join("・")
        )
    })
}
