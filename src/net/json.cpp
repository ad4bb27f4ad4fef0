#include "net/json.hpp"

#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"

namespace dcmlens::net {

namespace {

class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    JsonValue document() {
        JsonValue v = value(0);
        skipSpace();
        if (at_ != s_.size()) {
            fail("unexpected text after the value");
        }
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw Error("malformed JSON at byte " + std::to_string(at_) + ": " + why);
    }

    void skipSpace() {
        while (at_ < s_.size() &&
               (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) {
            ++at_;
        }
    }

    bool consume(std::string_view word) {
        if (s_.substr(at_, word.size()) == word) {
            at_ += word.size();
            return true;
        }
        return false;
    }

    JsonValue value(int depth) {
        if (depth > 64) {
            fail("nested too deeply");
        }
        skipSpace();
        if (at_ >= s_.size()) {
            fail("unexpected end");
        }
        JsonValue v;
        const char c = s_[at_];
        if (c == '{') {
            ++at_;
            v.type = JsonValue::Type::Object;
            skipSpace();
            if (at_ < s_.size() && s_[at_] == '}') {
                ++at_;
                return v;
            }
            for (;;) {
                skipSpace();
                if (at_ >= s_.size() || s_[at_] != '"') {
                    fail("expected a member name");
                }
                std::string key = string();
                skipSpace();
                if (at_ >= s_.size() || s_[at_] != ':') {
                    fail("expected ':'");
                }
                ++at_;
                v.members.emplace_back(std::move(key), value(depth + 1));
                skipSpace();
                if (at_ < s_.size() && s_[at_] == ',') {
                    ++at_;
                    continue;
                }
                if (at_ < s_.size() && s_[at_] == '}') {
                    ++at_;
                    return v;
                }
                fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            ++at_;
            v.type = JsonValue::Type::Array;
            skipSpace();
            if (at_ < s_.size() && s_[at_] == ']') {
                ++at_;
                return v;
            }
            for (;;) {
                v.items.push_back(value(depth + 1));
                skipSpace();
                if (at_ < s_.size() && s_[at_] == ',') {
                    ++at_;
                    continue;
                }
                if (at_ < s_.size() && s_[at_] == ']') {
                    ++at_;
                    return v;
                }
                fail("expected ',' or ']'");
            }
        }
        if (c == '"') {
            v.type = JsonValue::Type::String;
            v.text = string();
            return v;
        }
        if (consume("true")) {
            v.type = JsonValue::Type::Bool;
            v.boolean = true;
            return v;
        }
        if (consume("false")) {
            v.type = JsonValue::Type::Bool;
            return v;
        }
        if (consume("null")) {
            return v;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return numberValue();
        }
        fail(std::string("unexpected character '") + c + "'");
    }

    JsonValue numberValue() {
        const std::size_t begin = at_;
        auto digits = [&] {
            const std::size_t from = at_;
            while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') {
                ++at_;
            }
            if (at_ == from) {
                fail("a number needs digits");
            }
        };
        if (s_[at_] == '-') {
            ++at_;
        }
        digits();
        if (at_ < s_.size() && s_[at_] == '.') {
            ++at_;
            digits();
        }
        if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
            ++at_;
            if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-')) {
                ++at_;
            }
            digits();
        }
        JsonValue v;
        v.type = JsonValue::Type::Number;
        v.text = std::string(s_.substr(begin, at_ - begin));
        v.number = std::strtod(v.text.c_str(), nullptr);
        return v;
    }

    unsigned hex4() {
        if (s_.size() - at_ < 4) {
            fail("short \\u escape");
        }
        unsigned code = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[at_++];
            code <<= 4;
            if (h >= '0' && h <= '9') {
                code |= static_cast<unsigned>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
                code |= static_cast<unsigned>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
                code |= static_cast<unsigned>(h - 'A' + 10);
            } else {
                fail("bad \\u escape");
            }
        }
        return code;
    }

    static void appendUtf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    std::string string() {
        ++at_;  // the opening quote
        std::string out;
        for (;;) {
            if (at_ >= s_.size()) {
                fail("unterminated string");
            }
            const char c = s_[at_++];
            if (c == '"') {
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                fail("control character in a string");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (at_ >= s_.size()) {
                fail("unterminated escape");
            }
            const char e = s_[at_++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out += e;
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    unsigned code = hex4();
                    if (code >= 0xD800 && code < 0xDC00 && consume("\\u")) {
                        const unsigned low = hex4();
                        if (low < 0xDC00 || low >= 0xE000) {
                            fail("unpaired surrogate");
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    }
                    appendUtf8(out, code);
                    break;
                }
                default:
                    fail(std::string("bad escape '\\") + e + "'");
            }
        }
    }

    std::string_view s_;
    std::size_t at_ = 0;
};

// "0020000D" -> 0x0020000D; false unless exactly 8 hex digits.
bool parseTagKey(const std::string& key, std::uint32_t& tag) {
    if (key.size() != 8) {
        return false;
    }
    tag = 0;
    for (char h : key) {
        tag <<= 4;
        if (h >= '0' && h <= '9') {
            tag |= static_cast<std::uint32_t>(h - '0');
        } else if (h >= 'a' && h <= 'f') {
            tag |= static_cast<std::uint32_t>(h - 'a' + 10);
        } else if (h >= 'A' && h <= 'F') {
            tag |= static_cast<std::uint32_t>(h - 'A' + 10);
        } else {
            return false;
        }
    }
    return true;
}

std::string hexTag(std::uint32_t tag) {
    char text[16];
    std::snprintf(text, sizeof text, "(%04X,%04X)", tag >> 16, tag & 0xFFFF);
    return text;
}

// One value of the DICOM JSON model (PS3.18 F.2.2): strings and numbers as text, a person name
// as its Alphabetic component group (F.2.2.1). Null values stay empty (an empty value).
std::string valueText(const JsonValue& v, std::uint32_t tag) {
    switch (v.type) {
        case JsonValue::Type::String:
        case JsonValue::Type::Number:
            return v.text;
        case JsonValue::Type::Null:
            return "";
        case JsonValue::Type::Object: {
            const JsonValue* alphabetic = v.find("Alphabetic");
            return alphabetic && alphabetic->isString() ? alphabetic->text : "";
        }
        default:
            throw Error("DICOM JSON: a value of " + hexTag(tag) + " is neither text nor a number");
    }
}

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
    for (const auto& [name, value] : members) {
        if (name == key) {
            return &value;
        }
    }
    return nullptr;
}

JsonValue parseJson(std::string_view text) {
    return Parser(text).document();
}

std::string Record::first(std::uint32_t tag) const {
    const auto it = attributes.find(tag);
    return it == attributes.end() || it->second.values.empty() ? "" : it->second.values.front();
}

std::string Record::joined(std::uint32_t tag) const {
    const auto it = attributes.find(tag);
    std::string out;
    if (it != attributes.end()) {
        for (std::size_t i = 0; i < it->second.values.size(); ++i) {
            out += (i ? "\\" : "") + it->second.values[i];
        }
    }
    return out;
}

std::vector<Record> parseDicomJson(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size() && (text[begin] == ' ' || text[begin] == '\n' ||
                                   text[begin] == '\r' || text[begin] == '\t')) {
        ++begin;
    }
    if (begin == text.size()) {
        return {};
    }
    const JsonValue doc = parseJson(text);
    if (!doc.isArray()) {
        throw Error("DICOM JSON: the answer is not an array of datasets");
    }
    std::vector<Record> records;
    for (const JsonValue& item : doc.items) {
        if (!item.isObject()) {
            throw Error("DICOM JSON: an item of the array is not a dataset");
        }
        Record record;
        for (const auto& [key, element] : item.members) {
            std::uint32_t tag = 0;
            if (!parseTagKey(key, tag)) {
                throw Error("DICOM JSON: '" + key + "' is not a tag (8 hex digits)");
            }
            if (!element.isObject()) {
                throw Error("DICOM JSON: " + hexTag(tag) + " is not an attribute object");
            }
            Attribute attribute;
            if (const JsonValue* vr = element.find("vr"); vr && vr->isString()) {
                attribute.vr = vr->text;
            }
            if (attribute.vr == "SQ") {
                continue;  // queries do not need sequences
            }
            if (const JsonValue* values = element.find("Value")) {
                if (!values->isArray()) {
                    throw Error("DICOM JSON: the Value of " + hexTag(tag) + " is not an array");
                }
                for (const JsonValue& v : values->items) {
                    attribute.values.push_back(valueText(v, tag));
                }
            }
            record.attributes[tag] = std::move(attribute);
        }
        records.push_back(std::move(record));
    }
    return records;
}

}  // namespace dcmlens::net
