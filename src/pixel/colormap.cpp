#include "pixel/colormap.hpp"

#include <algorithm>
#include <sstream>

#include "common/embedded.hpp"
#include "common/error.hpp"

namespace dcmlens::assets {
const EmbeddedFile* embeddedFiles();
std::size_t embeddedFileCount();
}  // namespace dcmlens::assets

namespace dcmlens::pixel {

Colormap parseColormap(const std::string& name, const std::string& text) {
    Colormap map;
    map.name = name;
    std::istringstream in(text);
    std::string line;
    int count = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::istringstream fields(line);
        int r = -1, g = -1, b = -1;
        if (!(fields >> r >> g >> b) || r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255 ||
            count >= 256) {
            throw Error("colormap '" + name + "' has a bad line: " + line);
        }
        map.table[count++] = {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g),
                              static_cast<std::uint8_t>(b)};
    }
    if (count != 256) {
        throw Error("colormap '" + name + "' has " + std::to_string(count) + " entries, not 256");
    }
    return map;
}

const std::vector<Colormap>& colormaps() {
    static const std::vector<Colormap> all = [] {
        std::vector<Colormap> maps;
        const std::string prefix = "colormaps/";
        for (std::size_t i = 0; i < assets::embeddedFileCount(); ++i) {
            const EmbeddedFile& file = assets::embeddedFiles()[i];
            std::string name = file.name;
            if (name.rfind(prefix, 0) != 0 || name.size() < 4 ||
                name.compare(name.size() - 4, 4, ".txt") != 0) {
                continue;
            }
            name = name.substr(prefix.size(), name.size() - prefix.size() - 4);
            maps.push_back(parseColormap(name, std::string(file.text())));
        }
        std::stable_partition(maps.begin(), maps.end(),
                              [](const Colormap& m) { return m.isGray(); });
        return maps;
    }();
    return all;
}

const Colormap* findColormap(const std::string& name) {
    for (const Colormap& map : colormaps()) {
        if (map.name == name) {
            return &map;
        }
    }
    return nullptr;
}

}  // namespace dcmlens::pixel
