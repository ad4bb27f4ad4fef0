#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <imgui.h>

#include "model/instance.hpp"
#include "viewer/commands.hpp"
#include "viewer/view_state.hpp"

namespace dcmlens::ui {

// Window/level panel: center/width fields and sliders, the file's windows with their
// explanations, presets (number keys), VOI function, VOI LUT items, invert, colormaps.
// Returns true when it changed the state.
// `frame`: the frame of the instance shown (its own windows, for enhanced objects).
bool drawWindowPanel(viewer::ViewState& state, const model::Instance& instance, int frame,
                     const std::vector<viewer::Preset>& presets, const viewer::ViewContext& ctx,
                     const std::vector<std::string>& colormaps);

// Tag panel: the whole tree (sequences expandable, private tags with their creator), a filter on
// tag number, keyword or value, and copying a value to the clipboard. Only visible rows are laid
// out (ImGuiListClipper), so thousands of elements stay fast.
class TagPanel {
public:
    void setTags(std::vector<model::TagNode> tags);
    void draw();

private:
    struct Row {
        const model::TagNode* node;
        int depth;
        std::string id;  // path of indices, stable across frames
        bool isItem;
        int itemIndex;
    };
    void collect(const std::vector<model::TagNode>& nodes, int depth, const std::string& prefix,
                 std::vector<Row>& rows) const;
    bool matches(const model::TagNode& node) const;
    std::vector<model::TagNode> tags_;
    std::set<std::string> open_;
    char filter_[128] = "";
};

// Corner text, orientation markers and a scale bar over the image, following the view's flip
// and rotation; `notes` are extra lines at the bottom left (the tool, the stage shown).
void drawAnnotations(ImDrawList* list, ImVec2 origin, ImVec2 size, const viewer::ViewState& state,
                     const viewer::ViewContext& ctx, const model::Instance& instance,
                     const std::string& description, const std::vector<std::string>& notes);

// A hex dump of bytes, 16 per row with their offset; only visible rows are laid out. The bytes
// [highlight, highlight + length) are lit, and the view scrolls to them when they change.
class HexView {
public:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    void draw(const std::vector<std::uint8_t>& bytes, std::size_t highlight = kNone,
              std::size_t length = 0);

private:
    std::size_t scrolledTo_ = kNone;
};

// The keyboard and mouse shortcuts.
void drawHelp(bool* open);

// The file and folder browser of Ctrl+O and of every export (one dialog, two modes). It starts
// in the folder it is given (resolved to an absolute path, so Up always has somewhere to go),
// lists a folder as soon as its path is typed, and clears a stale error when the path changes.
// In save mode it proposes a file name and asks before replacing a file.
class FileBrowser {
public:
    void open(const std::string& start);
    void save(const std::string& folder, const std::string& suggestedName,
              const std::string& title);
    // A path when the user chose one (then the dialog closes).
    std::string draw();
    bool visible() const { return visible_; }
    bool saving() const { return saving_; }
    const std::string& folder() const { return folder_; }
    const std::string& error() const { return error_; }
    // Where the Up button is on the screen (tests click it).
    ImVec2 upButton() const { return upButton_; }

private:
    void setFolder(const std::string& folder);
    bool visible_ = false;
    bool saving_ = false;
    bool focusPath_ = false;
    std::string title_ = "Open file or folder";
    std::string folder_;
    std::string selected_;
    std::string error_;
    std::string confirmReplace_;  // a file that exists, waiting for "Replace"
    std::string enteredFolder_;   // the folder Enter listed: Enter again opens it
    ImVec2 upButton_{0, 0};
    char pathField_[1024] = "";
    char nameField_[256] = "";
    std::string listedFor_;
    std::vector<std::pair<std::string, bool>> entries_;  // name, is a folder
};

}  // namespace dcmlens::ui
