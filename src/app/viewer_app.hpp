#pragma once

#include <string>
#include <vector>

namespace dcmlens::app {

struct ViewerOptions {
    std::vector<std::string> paths;  // files and folders; none: the built-in demo stack
    std::string layout;              // "2x2": one input per viewport, in reading order
    int width = 0;                   // 0: the remembered size, else 1280 x 800
    int height = 0;
    std::string stateLog;   // append the viewer state as one JSON line per change (tests)
    std::string configDir;  // default: $XDG_CONFIG_HOME/dcmlens or ~/.config/dcmlens
    std::string panel;      // the side panel tab shown first (e.g. "Compare"); default: Window
    float uiScale = 0;      // 0: the setting, else the monitor's content scale
};

// The interactive viewer: a GLFW window with Dear ImGui panels; returns the exit code.
int runViewer(const ViewerOptions& options);

}  // namespace dcmlens::app
