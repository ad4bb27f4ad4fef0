#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dcmlens::net {

// A parsed JSON value (RFC 8259): enough for QIDO-RS answers, WADO-RS metadata (the DICOM JSON
// model, PS3.18 F.2) and servers.json. Numbers keep their text too, so that a UID-like or
// 64-bit integer survives without going through a double.
struct JsonValue {
    enum class Type { Null, Bool, Number, String, Array, Object };
    Type type = Type::Null;
    bool boolean = false;
    double number = 0;
    std::string text;  // String: the value; Number: as written
    std::vector<JsonValue> items;
    std::vector<std::pair<std::string, JsonValue>> members;  // in the order written

    bool isNull() const { return type == Type::Null; }
    bool isString() const { return type == Type::String; }
    bool isNumber() const { return type == Type::Number; }
    bool isArray() const { return type == Type::Array; }
    bool isObject() const { return type == Type::Object; }
    // The member of an object, or nullptr (also when this is not an object).
    const JsonValue* find(std::string_view key) const;
};

// Parses a whole document. Throws dcmlens::Error ("malformed JSON at byte N: ...") on anything
// that is not JSON, including trailing garbage and nesting deeper than 64 levels.
JsonValue parseJson(std::string_view text);

// One DICOM attribute as QIDO-RS, WADO-RS metadata or a C-FIND response gives it: its VR and its
// values as text (PN as the Alphabetic group, numbers as written, InlineBinary/BulkDataURI left
// out). Sequences are not kept (queries do not need them).
struct Attribute {
    std::string vr;
    std::vector<std::string> values;
};

// A dataset of a query answer, keyed by tag ((group << 16) | element).
struct Record {
    std::map<std::uint32_t, Attribute> attributes;

    // The first value of a tag, or "" when it is absent or empty.
    std::string first(std::uint32_t tag) const;
    // Every value joined by backslashes (DICOM's own separator), or "".
    std::string joined(std::uint32_t tag) const;
    bool has(std::uint32_t tag) const { return attributes.count(tag) > 0; }
};

// A QIDO-RS answer or a WADO-RS metadata document: a JSON array of DICOM JSON objects keyed by
// 8 hex digits (PS3.18 F.2.1). An empty body (some servers answer 204 No Content) is no records.
// Throws dcmlens::Error with a one-line reason when the text is not that.
std::vector<Record> parseDicomJson(std::string_view text);

}  // namespace dcmlens::net
