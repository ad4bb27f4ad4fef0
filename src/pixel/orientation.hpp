#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dcmlens::pixel {

// How an image is turned on the screen: first mirrored left-right (when `mirror`), then rotated
// clockwise by `quarterTurns` x 90 degrees. Every combination of flips and quarter turns is one
// of these eight (a vertical flip is a mirror plus a half turn), so each view has exactly one
// representation and comparing two views compares their fields.
//
// The mappings below work on whole output pixels and on continuous points, in both directions.
// "View" coordinates are the output as the unturned image would fill it: a W x H output with an
// odd number of quarter turns is an H x W view. Integer pixels map to integer pixels, so the
// shader (float) and the CPU (double) compute the same positions from them.
struct Orientation {
    int quarterTurns = 0;  // 0..3, clockwise
    bool mirror = false;   // left-right, applied to the image before the rotation

    bool identity() const { return quarterTurns == 0 && !mirror; }
    bool swapsAxes() const { return quarterTurns % 2 == 1; }
    bool operator==(const Orientation& o) const {
        return quarterTurns == o.quarterTurns && mirror == o.mirror;
    }
    bool operator!=(const Orientation& o) const { return !(*this == o); }

    // The command-line form: `--flip h|v` then `--rotate 90|180|270` (clockwise): the flip applies
    // to the image first, then the rotation.
    static Orientation fromFlipAndRotation(std::optional<char> flip, int degreesClockwise);

    // Changes as the user sees them on the screen, whatever the current orientation.
    Orientation rotatedClockwise() const;
    Orientation rotatedCounterClockwise() const;
    Orientation flippedHorizontally() const;  // the screen's left and right swap
    Orientation flippedVertically() const;    // the screen's top and bottom swap

    // "none", "rotate 90", "flip h", "flip h, rotate 270": for the state log and the corner text.
    std::string describe() const;
    // The eight of them (tests sweep every one).
    static std::vector<Orientation> all();
};

// The size of the view (unturned output) for an output of width x height.
inline int viewWidth(const Orientation& o, int width, int height) {
    return o.swapsAxes() ? height : width;
}
inline int viewHeight(const Orientation& o, int width, int height) {
    return o.swapsAxes() ? width : height;
}

// Output pixel (x, y) of a width x height output -> the view pixel it shows. Exact in integers.
void outputToViewPixel(const Orientation& o, int width, int height, int x, int y, int& u, int& v);

// outputToViewPixel as an integer affine map, (u, v) = A (x, y) + b with A a signed permutation:
// what the shader applies to its output pixel (no branches per pixel).
struct PixelTransform {
    int a00 = 1, a01 = 0, a10 = 0, a11 = 1;
    int b0 = 0, b1 = 0;
};
PixelTransform pixelTransform(const Orientation& o, int width, int height);

// Continuous points: output point (x, y), in pixels from the output's top left corner, to the
// view point, and back. Pixel centres are at +0.5, so these agree with outputToViewPixel.
void outputToView(const Orientation& o, double width, double height, double x, double y, double& u,
                  double& v);
void viewToOutput(const Orientation& o, double width, double height, double u, double v, double& x,
                  double& y);

// A displacement on the output (a pan, a drag) as a displacement of the view.
void outputDeltaToView(const Orientation& o, double dx, double dy, double& du, double& dv);
void viewDeltaToOutput(const Orientation& o, double du, double dv, double& dx, double& dy);

}  // namespace dcmlens::pixel
