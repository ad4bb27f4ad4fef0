#include "pixel/orientation.hpp"

namespace dcmlens::pixel {

// T = R^quarterTurns o M^mirror, with R the clockwise quarter turn and M the left-right mirror of
// the image. A mirror reverses the sense of a rotation (M o R = R^-1 o M) and a vertical flip is
// R^2 o M: every product reduces to this form.

Orientation Orientation::fromFlipAndRotation(std::optional<char> flip, int degreesClockwise) {
    Orientation o;
    const int turns = ((degreesClockwise / 90) % 4 + 4) % 4;
    if (!flip) {
        o.quarterTurns = turns;
    } else if (*flip == 'h') {
        o.quarterTurns = turns;
        o.mirror = true;
    } else {  // 'v': R^turns o (R^2 o M)
        o.quarterTurns = (turns + 2) % 4;
        o.mirror = true;
    }
    return o;
}

std::vector<Orientation> Orientation::all() {
    std::vector<Orientation> out;
    for (int turns = 0; turns < 4; ++turns) {
        out.push_back({turns, false});
        out.push_back({turns, true});
    }
    return out;
}

Orientation Orientation::rotatedClockwise() const {
    return {(quarterTurns + 1) % 4, mirror};
}

Orientation Orientation::rotatedCounterClockwise() const {
    return {(quarterTurns + 3) % 4, mirror};
}

Orientation Orientation::flippedHorizontally() const {
    // M o R^r o M^m = R^-r o M^(m+1)
    return {(4 - quarterTurns) % 4, !mirror};
}

Orientation Orientation::flippedVertically() const {
    // (R^2 o M) o R^r o M^m = R^(2-r) o M^(m+1)
    return {(6 - quarterTurns) % 4, !mirror};
}

std::string Orientation::describe() const {
    if (identity()) {
        return "none";
    }
    std::string s = mirror ? "flip h" : "";
    if (quarterTurns != 0) {
        s += (s.empty() ? "" : ", ") + std::string("rotate ") + std::to_string(quarterTurns * 90);
    }
    return s;
}

void outputToViewPixel(const Orientation& o, int width, int height, int x, int y, int& u, int& v) {
    switch (o.quarterTurns) {
        case 1:
            u = y;
            v = width - 1 - x;
            break;
        case 2:
            u = width - 1 - x;
            v = height - 1 - y;
            break;
        case 3:
            u = height - 1 - y;
            v = x;
            break;
        default:
            u = x;
            v = y;
            break;
    }
    if (o.mirror) {
        u = viewWidth(o, width, height) - 1 - u;
    }
}

PixelTransform pixelTransform(const Orientation& o, int width, int height) {
    int u0 = 0, v0 = 0, ux = 0, vx = 0, uy = 0, vy = 0;
    outputToViewPixel(o, width, height, 0, 0, u0, v0);
    outputToViewPixel(o, width, height, 1, 0, ux, vx);
    outputToViewPixel(o, width, height, 0, 1, uy, vy);
    return {ux - u0, uy - u0, vx - v0, vy - v0, u0, v0};
}

void outputToView(const Orientation& o, double width, double height, double x, double y, double& u,
                  double& v) {
    switch (o.quarterTurns) {
        case 1:
            u = y;
            v = width - x;
            break;
        case 2:
            u = width - x;
            v = height - y;
            break;
        case 3:
            u = height - y;
            v = x;
            break;
        default:
            u = x;
            v = y;
            break;
    }
    if (o.mirror) {
        u = (o.swapsAxes() ? height : width) - u;
    }
}

void viewToOutput(const Orientation& o, double width, double height, double u, double v, double& x,
                  double& y) {
    if (o.mirror) {
        u = (o.swapsAxes() ? height : width) - u;
    }
    switch (o.quarterTurns) {
        case 1:
            x = width - v;
            y = u;
            break;
        case 2:
            x = width - u;
            y = height - v;
            break;
        case 3:
            x = v;
            y = height - u;
            break;
        default:
            x = u;
            y = v;
            break;
    }
}

void outputDeltaToView(const Orientation& o, double dx, double dy, double& du, double& dv) {
    switch (o.quarterTurns) {
        case 1:
            du = dy;
            dv = -dx;
            break;
        case 2:
            du = -dx;
            dv = -dy;
            break;
        case 3:
            du = -dy;
            dv = dx;
            break;
        default:
            du = dx;
            dv = dy;
            break;
    }
    if (o.mirror) {
        du = -du;
    }
}

void viewDeltaToOutput(const Orientation& o, double du, double dv, double& dx, double& dy) {
    if (o.mirror) {
        du = -du;
    }
    switch (o.quarterTurns) {
        case 1:
            dx = -dv;
            dy = du;
            break;
        case 2:
            dx = -du;
            dy = -dv;
            break;
        case 3:
            dx = dv;
            dy = -du;
            break;
        default:
            dx = du;
            dy = dv;
            break;
    }
}

}  // namespace dcmlens::pixel
