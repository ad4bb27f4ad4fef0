#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "app/viewer_app.hpp"
#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "dicom/dictionary.hpp"
#include "viewer/layout.hpp"

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DCMLENS_LEAK_CHECKED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define DCMLENS_LEAK_CHECKED 1
#endif

// A finished command leaves without running the libraries' static destructors: DCMTK's data
// dictionary and LLVM's globals (loaded with llvmpipe) take ~5 ms of a 55 ms `render`. By then
// every output file is closed and the GL context torn down (Mesa has written its shader cache);
// only the standard streams are left to flush. Builds with AddressSanitizer return normally, so
// that its leak check (an exit handler) still runs.
int finishCommand(int status) {
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) {
        std::cerr << "dcmlens: cannot write the output (standard output)" << std::endl;
        status = status == 0 ? 1 : status;
    }
    std::cerr.flush();
    std::fflush(nullptr);
#ifndef DCMLENS_LEAK_CHECKED
    std::_Exit(status);
#endif
    return status;
}

}  // namespace

// `dcmlens COMMAND ...` runs a command-line tool; `dcmlens [PATH...]` opens the viewer (with no
// path, on the built-in demo stack).
int main(int argc, char** argv) {
    dcmlens::dicom::useCompiledDictionary();  // before any thread: it may set DCMDICTPATH
    if (argc > 1 && dcmlens::cli::isCommand(argv[1])) {
        return finishCommand(dcmlens::cli::runMain(argc, argv));
    }
    try {
        const dcmlens::cli::Arguments a(
            std::vector<std::string>(argv + 1, argv + argc), {},
            {"--window-size", "--state-log", "--config-dir", "--panel", "--layout", "--ui-scale"});
        dcmlens::app::ViewerOptions options;
        options.paths = a.positionals();
        if (auto s = a.value("--window-size")) {
            auto [w, h] = dcmlens::cli::parsePair("--window-size", *s, 'x');
            if (w < 200 || h < 150 || w > 16384 || h > 16384) {
                throw dcmlens::cli::UsageError{"--window-size needs WxH of at least 200x150"};
            }
            options.width = static_cast<int>(w);
            options.height = static_cast<int>(h);
        }
        if (auto l = a.value("--layout")) {
            if (!dcmlens::viewer::parseGrid(*l)) {
                std::string names;
                for (const auto& g : dcmlens::viewer::standardGrids()) {
                    names += (names.empty() ? "" : ", ") + g.name();
                }
                throw dcmlens::cli::UsageError{"--layout is one of " + names + ", not '" + *l +
                                               "'"};
            }
            options.layout = *l;
        }
        if (auto s = a.value("--ui-scale")) {
            const double scale = dcmlens::cli::parseDouble("--ui-scale", *s);
            if (scale < 0.5 || scale > 4) {
                throw dcmlens::cli::UsageError{"--ui-scale is between 0.5 and 4"};
            }
            options.uiScale = static_cast<float>(scale);
        }
        options.stateLog = a.value("--state-log").value_or("");
        options.configDir = a.value("--config-dir").value_or("");
        options.panel = a.value("--panel").value_or("");
        return dcmlens::app::runViewer(options);
    } catch (const dcmlens::cli::UsageError& e) {
        std::cerr << "dcmlens: " << e.message << " (see dcmlens --help)" << std::endl;
        return 2;
    }
}
