#include "app/settings.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pixel/colormap.hpp"

namespace dcmlens::app {

bool Settings::operator==(const Settings& o) const {
    auto same = [](const std::optional<WindowGeometry>& a, const std::optional<WindowGeometry>& b) {
        return a.has_value() == b.has_value() &&
               (!a ||
                (a->x == b->x && a->y == b->y && a->width == b->width && a->height == b->height));
    };
    return colormap == o.colormap && interpolate == o.interpolate && annotations == o.annotations &&
           panelWidth == o.panelWidth && uiScale == o.uiScale && same(window, o.window) &&
           openFolder == o.openFolder && exportFolder == o.exportFolder && recent == o.recent;
}

std::string configFolder(const std::string& requested) {
    std::string folder = requested;
    if (folder.empty()) {
        if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
            folder = std::string(xdg) + "/dcmlens";
        } else if (const char* home = std::getenv("HOME"); home && *home) {
            folder = std::string(home) + "/.config/dcmlens";
        } else {
            folder = ".dcmlens";
        }
    }
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    return folder;
}

Settings loadSettings(const std::string& folder) {
    Settings s;
    std::ifstream in(folder + "/settings.txt");
    WindowGeometry g;
    int geometryFields = 0;
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) {
            continue;
        }
        const std::string key = line.substr(0, eq);
        const std::string value = line.substr(eq + 1);
        try {
            if (key == "colormap" && pixel::findColormap(value)) {
                s.colormap = value;
            } else if (key == "interpolate") {
                s.interpolate = value == "1";
            } else if (key == "annotations") {
                s.annotations = value == "1";
            } else if (key == "panel_width") {
                s.panelWidth = std::stof(value);
            } else if (key == "ui_scale") {
                s.uiScale = std::stof(value);
            } else if (key == "window") {
                std::istringstream fields(value);
                if (fields >> g.x >> g.y >> g.width >> g.height && g.width >= 200 &&
                    g.height >= 150) {
                    geometryFields = 4;
                }
            } else if (key == "open_folder") {
                s.openFolder = value;
            } else if (key == "export_folder") {
                s.exportFolder = value;
            }
        } catch (const std::exception&) {
            // a damaged value keeps its default
        }
    }
    if (geometryFields == 4) {
        s.window = g;
    }
    std::ifstream recent(folder + "/recent.txt");
    for (std::string line; std::getline(recent, line);) {
        if (!line.empty()) {
            s.recent.push_back(line);
        }
    }
    return s;
}

void saveSettings(const std::string& folder, const Settings& s) {
    {
        std::ofstream out(folder + "/settings.txt");
        out << "colormap=" << s.colormap << "\ninterpolate=" << (s.interpolate ? 1 : 0)
            << "\nannotations=" << (s.annotations ? 1 : 0) << "\npanel_width=" << s.panelWidth
            << "\nui_scale=" << s.uiScale << "\n";
        if (s.window) {
            out << "window=" << s.window->x << " " << s.window->y << " " << s.window->width << " "
                << s.window->height << "\n";
        }
        out << "open_folder=" << s.openFolder << "\nexport_folder=" << s.exportFolder << "\n";
    }
    std::ofstream recent(folder + "/recent.txt");
    for (const std::string& r : s.recent) {
        recent << r << "\n";
    }
}

}  // namespace dcmlens::app
