#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/platform.hpp"

namespace dcmlens::app {

// What persists between runs, in the config folder ($XDG_CONFIG_HOME/dcmlens, else
// ~/.config/dcmlens, or --config-dir): settings.txt (key=value lines) and recent.txt (one path a
// line). Written only when a value changed (viewer::ChangeTracker in the App), never elsewhere.
struct Settings {
    std::string colormap = "gray";
    bool interpolate = false;
    bool annotations = true;
    float panelWidth = 400;  // the side panel, in unscaled pixels (dragged by its edge)
    float uiScale = 0;       // 0: the monitor's content scale
    std::optional<WindowGeometry> window;
    std::string openFolder;    // where the open dialog starts
    std::string exportFolder;  // where the save dialog starts
    std::vector<std::string> recent;

    bool operator==(const Settings& o) const;
};

// The folder the settings live in (created when missing).
std::string configFolder(const std::string& requested);
Settings loadSettings(const std::string& folder);
// Throws nothing: a folder that cannot be written keeps the settings of this run only.
void saveSettings(const std::string& folder, const Settings& settings);

}  // namespace dcmlens::app
