"""Train a one-hidden-layer MLP on the two-spirals task (Python standard library only).

Usage: python scripts/train.py --hidden 32 --seed 0 --epochs 100

Reports per-epoch metrics and the final metrics through Rigor's metric-event helper when it
is importable (`import rigor`), and always prints one JSON line with the final metrics.
"""
import argparse
import json
import math
import random

try:
    import rigor  # Rigor's zero-dependency event helper; present under `rigor exec`.
except ImportError:  # pragma: no cover - running without Rigor
    rigor = None


def two_spirals(n_per_class, noise, data_seed):
    rng = random.Random(data_seed)
    points = []
    for label in (0, 1):
        for i in range(n_per_class):
            r = 0.2 + 2.8 * i / n_per_class
            t = 1.75 * math.pi * i / n_per_class + label * math.pi
            x = r * math.cos(t) + rng.gauss(0, noise)
            y = r * math.sin(t) + rng.gauss(0, noise)
            points.append(((x / 3.0, y / 3.0), label))
    rng.shuffle(points)
    split = int(len(points) * 0.7)
    return points[:split], points[split:]


class MLP:
    def __init__(self, hidden, seed):
        rng = random.Random(seed)
        scale = 1.0
        self.w1 = [[rng.gauss(0, scale) for _ in range(2)] for _ in range(hidden)]
        self.b1 = [0.0] * hidden
        self.w2 = [rng.gauss(0, scale / math.sqrt(hidden)) for _ in range(hidden)]
        self.b2 = 0.0

    def forward(self, x):
        h = [math.tanh(w[0] * x[0] + w[1] * x[1] + b) for w, b in zip(self.w1, self.b1)]
        z = sum(wi * hi for wi, hi in zip(self.w2, h)) + self.b2
        p = 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0
        return h, p

    def evaluate(self, data):
        loss, correct = 0.0, 0
        for x, y in data:
            _, p = self.forward(x)
            p = min(max(p, 1e-12), 1 - 1e-12)
            loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
            correct += int((p >= 0.5) == (y == 1))
        return loss / len(data), correct / len(data)

    def step(self, data, lr):
        hidden = len(self.w2)
        g_w1 = [[0.0, 0.0] for _ in range(hidden)]
        g_b1 = [0.0] * hidden
        g_w2 = [0.0] * hidden
        g_b2 = 0.0
        for x, y in data:
            h, p = self.forward(x)
            d = p - y
            g_b2 += d
            for j in range(hidden):
                g_w2[j] += d * h[j]
                dh = d * self.w2[j] * (1 - h[j] * h[j])
                g_b1[j] += dh
                g_w1[j][0] += dh * x[0]
                g_w1[j][1] += dh * x[1]
        n = len(data)
        for j in range(hidden):
            self.w2[j] -= lr * g_w2[j] / n
            self.b1[j] -= lr * g_b1[j] / n
            self.w1[j][0] -= lr * g_w1[j][0] / n
            self.w1[j][1] -= lr * g_w1[j][1] / n
        self.b2 -= lr * g_b2 / n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", type=int, required=True)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=2.0)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else (rigor.seed() if rigor else 0)

    train, val = two_spirals(150, 0.15, data_seed=1234)
    model = MLP(args.hidden, seed)
    first_loss = None
    train_loss = float("nan")
    for epoch in range(1, args.epochs + 1):
        model.step(train, args.lr)
        train_loss, train_acc = model.evaluate(train)
        if first_loss is None:
            first_loss = train_loss
        if rigor:
            rigor.log(step=epoch, loss=train_loss, train_accuracy=train_acc)
    val_loss, val_acc = model.evaluate(val)
    train_loss, train_acc = model.evaluate(train)
    final = {
        "val_accuracy": val_acc,
        "val_loss": val_loss,
        "train_accuracy": train_acc,
        "train_loss_decreased": int(train_loss < first_loss),
        "n_val": len(val),
    }
    if rigor:
        rigor.final(**final)
    print(json.dumps({"hidden": args.hidden, "seed": seed, "epochs": args.epochs, **final}))


if __name__ == "__main__":
    main()
