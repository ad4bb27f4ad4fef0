#include "model/display_text.hpp"

#include <optional>

namespace dcmlens::model {

namespace {

// Values are padded to an even length with a space (PS3.5 6.2); some writers pad with NUL.
std::string_view trimmed(std::string_view s) {
    auto pad = [](char c) { return c == ' ' || c == '\0'; };
    while (!s.empty() && pad(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && pad(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool allDigits(std::string_view s) {
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return !s.empty();
}

int number(std::string_view digits) {
    int v = 0;
    for (char c : digits) {
        v = v * 10 + (c - '0');
    }
    return v;
}

int daysIn(int year, int month) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY", "YYYYMM" or "YYYYMMDD" (digits only) as "YYYY[-MM[-DD]]"; nullopt when not a date.
std::optional<std::string> datePart(std::string_view d) {
    if (!allDigits(d) || (d.size() != 4 && d.size() != 6 && d.size() != 8)) {
        return std::nullopt;
    }
    const int year = number(d.substr(0, 4));
    if (year == 0) {
        return std::nullopt;  // "0000...": an unknown date written as zeros
    }
    std::string out(d.substr(0, 4));
    if (d.size() >= 6) {
        const int month = number(d.substr(4, 2));
        if (month < 1 || month > 12) {
            return std::nullopt;
        }
        out += "-" + std::string(d.substr(4, 2));
        if (d.size() == 8) {
            const int day = number(d.substr(6, 2));
            if (day < 1 || day > daysIn(year, month)) {
                return std::nullopt;
            }
            out += "-" + std::string(d.substr(6, 2));
        }
    }
    return out;
}

// "HH", "HHMM", "HHMMSS" or "HHMMSS.F{1,6}" as "HH[:MM[:SS[.F]]]"; nullopt when not a time.
std::optional<std::string> timePart(std::string_view t) {
    std::string_view fraction;
    if (const auto dot = t.find('.'); dot != std::string_view::npos) {
        fraction = t.substr(dot + 1);
        t = t.substr(0, dot);
        if (t.size() != 6 || !allDigits(fraction) || fraction.size() > 6) {
            return std::nullopt;
        }
    }
    if (!allDigits(t) || (t.size() != 2 && t.size() != 4 && t.size() != 6)) {
        return std::nullopt;
    }
    // Seconds up to 60: PS3.5 allows a leap second.
    const int limits[] = {23, 59, 60};
    std::string out;
    for (std::size_t i = 0; i < t.size(); i += 2) {
        if (number(t.substr(i, 2)) > limits[i / 2]) {
            return std::nullopt;
        }
        out += (i ? ":" : "") + std::string(t.substr(i, 2));
    }
    if (!fraction.empty()) {
        out += "." + std::string(fraction);
    }
    return out;
}

// Removes the separators of the old forms ("1994.01.30", "14:30:05", "1994-01-30") when they
// stand where the digits of the standard form break: the result is then read as the standard.
std::string withoutSeparators(std::string_view s, char separator, std::size_t firstAt) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool expected = (i == firstAt || i == firstAt + 3);
        if (s[i] == separator) {
            if (!expected) {
                return std::string(s);  // not the old form: left as it is (and rejected later)
            }
            continue;
        }
        out += s[i];
    }
    return out;
}

}  // namespace

std::string modalityUnits(const ModalityInfo& modality, std::string_view modalityCode) {
    const std::string_view type = trimmed(modality.rescaleType);
    if (!type.empty()) {
        return type == "US" ? std::string() : std::string(type);  // US: unspecified
    }
    if (trimmed(modalityCode) == "CT" && modality.hasRescale && !modality.lut) {
        return "HU";
    }
    return {};
}

std::string formatDate(std::string_view da) {
    da = trimmed(da);
    std::string digits(da);
    if (da.size() == 10 && (da[4] == '.' || da[4] == '-') && da[7] == da[4]) {
        digits = withoutSeparators(da, da[4], 4);
    } else if (da.size() == 7 && (da[4] == '.' || da[4] == '-')) {
        digits = withoutSeparators(da, da[4], 4);
    }
    if (auto date = datePart(digits)) {
        return *date;
    }
    return std::string(da);
}

std::string formatTime(std::string_view tm) {
    tm = trimmed(tm);
    std::string digits(tm);
    if (tm.size() >= 5 && tm[2] == ':') {
        digits = withoutSeparators(tm.substr(0, std::min<std::size_t>(tm.size(), 8)), ':', 2) +
                 std::string(tm.substr(std::min<std::size_t>(tm.size(), 8)));
    }
    if (auto time = timePart(digits)) {
        return *time;
    }
    return std::string(tm);
}

std::string formatDateTime(std::string_view dt) {
    dt = trimmed(dt);
    std::string_view body = dt;
    std::string offset;
    // &ZZXX: the offset from UTC, + or - and four digits at the end (PS3.5 Table 6.2-1).
    if (body.size() >= 9 && (body[body.size() - 5] == '+' || body[body.size() - 5] == '-')) {
        const std::string_view zone = body.substr(body.size() - 4);
        if (!allDigits(zone) || number(zone.substr(0, 2)) > 14 || number(zone.substr(2)) > 59) {
            return std::string(dt);
        }
        offset = " " + std::string(body.substr(body.size() - 5));
        body = body.substr(0, body.size() - 5);
    }
    const std::size_t dateLength = std::min<std::size_t>(body.size(), 8);
    auto date = datePart(body.substr(0, dateLength));
    if (!date || (body.size() > 8 && dateLength != 8)) {
        return std::string(dt);
    }
    std::string out = *date;
    if (body.size() > 8) {
        auto time = timePart(body.substr(8));
        if (!time) {
            return std::string(dt);
        }
        out += " " + *time;
    }
    return out + offset;
}

std::string countText(std::uint64_t n, std::string_view singular, std::string_view plural) {
    std::string out = std::to_string(n) + " ";
    if (n == 1) {
        return out + std::string(singular);
    }
    return out + (plural.empty() ? std::string(singular) + "s" : std::string(plural));
}

}  // namespace dcmlens::model
