#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dcmlens::cli {

// Command-line arguments of one subcommand: positionals, `--flag` switches and `--name value`
// options (also `-o value`). Unknown names are a usage error, reported by throwing UsageError.
class Arguments {
public:
    Arguments(const std::vector<std::string>& args, const std::set<std::string>& switches,
              const std::set<std::string>& valued);

    bool has(const std::string& name) const {
        return switches_.count(name) > 0 || values_.count(name) > 0;
    }
    std::optional<std::string> value(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

private:
    std::set<std::string> switches_;
    std::map<std::string, std::string> values_;
    std::vector<std::string> positionals_;
};

struct UsageError {
    std::string message;
};

// Throws UsageError unless `path` ends in one of `extensions` (".png"; compared ignoring case),
// naming them: an output's name must say what the file holds ("-o x.jpg" must not get a PNG).
// `what` says what is written: "render writes PNG images".
void requireExtension(const std::string& path, const std::vector<std::string>& extensions,
                      const std::string& what);
// Whether `path` ends in `extension`, ignoring case.
bool hasExtension(const std::string& path, const std::string& extension);

// Parses "N" as an integer >= minimum, or throws UsageError naming the option.
int parseInt(const std::string& option, const std::string& text, int minimum);
// Parses a finite number, or throws UsageError naming the option.
double parseDouble(const std::string& option, const std::string& text);
// Parses "A,B" (or "AxB" when `separator` is 'x') into two numbers.
std::pair<double, double> parsePair(const std::string& option, const std::string& text,
                                    char separator);

}  // namespace dcmlens::cli
