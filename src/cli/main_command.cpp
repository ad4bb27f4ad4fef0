#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"

namespace dcmlens::cli {

namespace {

const char* kUsage =
    "usage: dcmlens [PATH...] [--window-size WxH] [--panel NAME]\n"
    "                                     the viewer (no PATH: a demo stack); --panel: the side\n"
    "                                     panel shown first (Window, Probe, ..., Compare, Info)\n"
    "       dcmlens COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  info PATH [--json | --tags]        what dcmlens decodes from a DICOM file; --tags: the\n"
    "                                     whole tag tree as text (dcmdump-like)\n"
    "  render PATH -o OUT.png [--cpu] [--frame N]\n"
    "         [--window C,W | --window-index K | --window minmax | --window none]\n"
    "         [--voi-function linear|linear-exact|sigmoid] [--voi-lut K]\n"
    "         [--presentation identity|inverse] [--colormap NAME] [--size WxH]\n"
    "         [--interp nearest|linear] [--stage output|voi|modality|stored]\n"
    "                                     one frame through the display pipeline to a PNG\n"
    "  probe PATH --pixel X,Y [--frame N] [display options as render] [--json]\n"
    "                                     every pipeline stage of one pixel (X column, Y row, from "
    "0)\n"
    "  roi PATH (--rect X,Y,W,H | --ellipse X,Y,W,H | --line X0,Y0,X1,Y1) [--frame N] [--json]\n"
    "                                     modality-value statistics, or a line profile and length\n"
    "  compare A [B] [--frame N] [--frame-b M] [-o DIFF.png] [--json]\n"
    "                                     two frames value by value (B - A): statistics and a\n"
    "                                     difference image\n"
    "  compare A --gpu-vs-cpu [--frame N] [display options as render] [--size WxH]\n"
    "                                     the GPU's view against the CPU reference\n"
    "  bench PATH [--json] [--viewport WxH] [plane options] [--wado instances|series]\n"
    "                                     load a folder as the viewer does and time it\n"
    "\n"
    "plane options (render, probe, compare --gpu-vs-cpu and bench on a folder or multi-frame\n"
    "file: a plane of the volume it forms):\n"
    "  --plane axial|coronal|sagittal|oblique  [--at X,Y,Z] (patient mm, LPS; default centre)\n"
    "  --axes RX,RY,RZ,DX,DY,DZ             oblique: the screen's right and down directions\n"
    "  --slab MM|all [--projection mip|minip|mean]\n"
    "                                     a slab around the plane, projected (MIP by default)\n"
    "  export PATH --raw -o OUT.png|OUT.raw [--frame N]\n"
    "                                     a frame's stored values, losslessly (16-bit PNG or "
    "int32)\n"
    "  export PATH --fragment K -o OUT.bin\n"
    "                                     the bytes of fragment K of encapsulated pixel data\n"
    "  dump-stored PATH -o OUT.raw [--frame N]\n"
    "                                     a frame's stored values as little-endian int32\n"
    "  pacs echo SERVER                   a connection test (QIDO-RS or C-ECHO)\n"
    "  pacs find SERVER [--level study|series|instance] [--patient-name ..] [--patient-id ..]\n"
    "         [--date FROM-TO] [--modality ..] [--accession ..] [--description ..]\n"
    "         [--study UID] [--series UID] [--include KEYWORD,..] [--limit N] [--offset N]\n"
    "         [--json]                    query; --json: one array keyed by DICOM keyword\n"
    "  pacs get SERVER STUDY_UID [SERIES_UID] -o DIR\n"
    "                                     retrieve into DIR (one file per instance)\n"
    "         SERVER: a name from servers.json, http(s)://[USER:PASSWORD@]HOST:PORT/PATH\n"
    "         (DICOMweb) or dicom://CALLED_AET@HOST:PORT (DIMSE); with --calling-aet AET\n"
    "         (default DCMLENS), --store-port N (C-MOVE to us on N instead of C-GET),\n"
    "         --timeout SECONDS\n"
    "\n"
    "PATH may also be a series on a server: SERVER_URL/studies/STUDY_UID/series/SERIES_UID,\n"
    "dicom://AET@HOST:PORT/studies/STUDY_UID/series/SERIES_UID or\n"
    "NAME:studies/STUDY_UID/series/SERIES_UID (render, info, bench).\n"
    "\n"
    "Frames, windows and VOI LUTs are numbered from 1.\n";

using Command = int (*)(const std::vector<std::string>&);
// In the order of the usage text.
const std::pair<const char*, Command> kCommands[] = {
    {"info", runInfo},     {"render", runRender},          {"probe", runProbe},
    {"roi", runRoi},       {"compare", runCompare},        {"bench", runBench},
    {"export", runExport}, {"dump-stored", runDumpStored}, {"pacs", runPacs},
};

std::string commandList() {
    std::string names;
    for (const auto& entry : kCommands) {
        names += (names.empty() ? "" : ", ") + std::string(entry.first);
    }
    return names;
}

// "scheme://...": RFC 3986 3.1 (a letter, then letters, digits, "+", "-", ".").
bool isUrl(const std::string& word) {
    const auto colon = word.find("://");
    if (colon == std::string::npos || colon == 0 ||
        !std::isalpha(static_cast<unsigned char>(word[0]))) {
        return false;
    }
    return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
}

}  // namespace

bool goesToCommandLine(const std::string& first) {
    if (!first.empty() && first[0] == '-' && first != "-h" && first != "--help") {
        return false;  // the viewer's options; unknown ones are its usage errors
    }
    if (first == "help" || first == "--help" || first == "-h") {
        return true;
    }
    for (const auto& entry : kCommands) {
        if (first == entry.first) {
            return true;
        }
    }
    std::error_code ec;
    return !(std::filesystem::exists(first, ec) || isUrl(first));
}

std::string unknownFirstArgument(const std::string& first) {
    // A word with a folder or an extension in it was meant as a file.
    if (first.find('/') != std::string::npos || first.find('.') != std::string::npos) {
        return first + ": no such file or folder, and not a command (" + commandList() + ")";
    }
    return "unknown command '" + first + "': the commands are " + commandList() +
           "; or give files or folders to view";
}

int runMain(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    try {
        for (const auto& [name, run] : kCommands) {
            if (command == name) {
                return run(args);
            }
        }
        throw UsageError{unknownFirstArgument(command)};
    } catch (const UsageError& e) {
        std::cerr << "dcmlens: " << e.message << " (see dcmlens --help)" << std::endl;
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << "dcmlens: out of memory" << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "dcmlens: " << e.what() << std::endl;
        return 1;
    }
}

}  // namespace dcmlens::cli
