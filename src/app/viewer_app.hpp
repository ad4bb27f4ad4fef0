#pragma once

#include <string>
#include <vector>

namespace dcmlens::app {

struct ViewerOptions {
    std::vector<std::string> paths;  // files and folders; none: the built-in demo stack
    int width = 1280;
    int height = 800;
    std::string stateLog;   // append the viewer state as one JSON line per change (tests)
    std::string configDir;  // default: $XDG_CONFIG_HOME/dcmlens or ~/.config/dcmlens
    std::string panel;      // the side panel tab shown first (e.g. "Compare"); default: Window
};

// The interactive viewer: a GLFW window with Dear ImGui panels; returns the exit code.
int runViewer(const ViewerOptions& options);

}  // namespace dcmlens::app
