#include "cli/arguments.hpp"
#include <cmath>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace dcmlens::cli {

Arguments::Arguments(const std::vector<std::string>& args, const std::set<std::string>& switches,
                     const std::set<std::string>& valued) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const auto eq = a.find('=');
        if (a.rfind("--", 0) == 0 && eq != std::string::npos) {  // --name=value
            const std::string name = a.substr(0, eq);
            if (!valued.count(name)) {
                throw UsageError{"unknown option " + name};
            }
            values_[name] = a.substr(eq + 1);
        } else if (a.size() > 1 && a[0] == '-' && a != "-") {
            if (switches.count(a)) {
                switches_.insert(a);
            } else if (valued.count(a)) {
                if (i + 1 >= args.size()) {
                    throw UsageError{"option " + a + " needs a value"};
                }
                values_[a] = args[++i];
            } else {
                throw UsageError{"unknown option " + a};
            }
        } else {
            positionals_.push_back(a);
        }
    }
}

std::optional<std::string> Arguments::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool hasExtension(const std::string& path, const std::string& extension) {
    if (path.size() <= extension.size()) {
        return false;  // ".png" alone is no name
    }
    const std::string tail = path.substr(path.size() - extension.size());
    return std::equal(tail.begin(), tail.end(), extension.begin(), extension.end(),
                      [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                      });
}

void requireExtension(const std::string& path, const std::vector<std::string>& extensions,
                      const std::string& what) {
    std::string names;
    for (const std::string& e : extensions) {
        if (hasExtension(path, e)) {
            return;
        }
        names += (names.empty() ? "" : " or ") + e;
    }
    throw UsageError{"-o " + path + ": " + what + ": give a name ending in " + names};
}

int parseInt(const std::string& option, const std::string& text, int minimum) {
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < minimum || v > 1000000000L) {
        throw UsageError{option + " needs a whole number of at least " + std::to_string(minimum) +
                         ", not '" + text + "'"};
    }
    return static_cast<int>(v);
}

double parseDouble(const std::string& option, const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v)) {
        throw UsageError{option + " needs a number, not '" + text + "'"};
    }
    return v;
}

std::pair<double, double> parsePair(const std::string& option, const std::string& text,
                                    char separator) {
    const auto at = text.find(separator);
    const std::string example = separator == 'x' ? "WxH" : "A,B";
    if (at == std::string::npos) {
        throw UsageError{option + " needs " + example + ", not '" + text + "'"};
    }
    const std::string a = text.substr(0, at);
    const std::string b = text.substr(at + 1);
    char* endA = nullptr;
    char* endB = nullptr;
    const double x = std::strtod(a.c_str(), &endA);
    const double y = std::strtod(b.c_str(), &endB);
    if (a.empty() || b.empty() || *endA != '\0' || *endB != '\0') {
        throw UsageError{option + " needs " + example + ", not '" + text + "'"};
    }
    return {x, y};
}

}  // namespace dcmlens::cli
