#pragma once

#include <cstdio>
#include <sstream>
#include <string>

namespace dcmlens::cli {

// A minimal streaming JSON writer: enough for `info --json` and friends.
class JsonWriter {
public:
    JsonWriter& beginObject() { return open('{'); }
    JsonWriter& endObject() { return close('}'); }
    JsonWriter& beginArray() { return open('['); }
    JsonWriter& endArray() { return close(']'); }
    JsonWriter& key(const std::string& k) {
        comma();
        out_ << quote(k) << ':';
        afterKey_ = true;
        return *this;
    }
    JsonWriter& value(const std::string& v) { return raw(quote(v)); }
    JsonWriter& value(const char* v) { return raw(quote(v)); }
    JsonWriter& value(bool v) { return raw(v ? "true" : "false"); }
    JsonWriter& value(int v) { return raw(std::to_string(v)); }
    JsonWriter& value(long v) { return raw(std::to_string(v)); }
    JsonWriter& value(long long v) { return raw(std::to_string(v)); }
    JsonWriter& value(unsigned long v) { return raw(std::to_string(v)); }
    JsonWriter& value(double v) {
        std::ostringstream s;
        s.precision(17);
        s << v;
        return raw(s.str());
    }
    JsonWriter& null() { return raw("null"); }
    // A number already written as JSON text (a DICOM IS or DS value kept as written).
    JsonWriter& number(const std::string& text) { return raw(text); }
    std::string str() const { return out_.str(); }

    static std::string quote(const std::string& s) {
        std::string q = "\"";
        for (unsigned char c : s) {
            switch (c) {
                case '"':
                    q += "\\\"";
                    break;
                case '\\':
                    q += "\\\\";
                    break;
                case '\n':
                    q += "\\n";
                    break;
                case '\r':
                    q += "\\r";
                    break;
                case '\t':
                    q += "\\t";
                    break;
                default:
                    if (c < 0x20) {
                        char buf[8];
                        std::snprintf(buf, sizeof buf, "\\u%04x", c);
                        q += buf;
                    } else {
                        q += static_cast<char>(c);
                    }
            }
        }
        return q + "\"";
    }

private:
    JsonWriter& raw(const std::string& text) {
        comma();
        out_ << text;
        return *this;
    }
    JsonWriter& open(char c) {
        comma();
        out_ << c;
        needComma_ = false;
        return *this;
    }
    JsonWriter& close(char c) {
        out_ << c;
        needComma_ = true;
        return *this;
    }
    void comma() {
        if (afterKey_) {
            afterKey_ = false;
            return;
        }
        if (needComma_) {
            out_ << ',';
        }
        needComma_ = true;
    }

    std::ostringstream out_;
    bool needComma_ = false;
    bool afterKey_ = false;
};

}  // namespace dcmlens::cli
