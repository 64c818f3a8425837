"""The abstract model of block withholding that tests/stubborn.rs checks chainlab
against: selfish mining (Eyal and Sirer) and the stubborn variants of Nayak, Kumar,
Miller and Shi, block by block with no network. Each step the attacker finds the next
block with probability alpha, else an honest miner does; during a tie an honest
miner extends the attacker's block with probability gamma. The decision rules are
those of src/node/attack/withholding.rs, written again independently.

    python3 tests/python/withholding_model.py     # about a minute

prints the attacker's share of the final chain, mean and standard error over 8 seeds.
"""
import random
import statistics


def run(alpha, gamma, lead=False, ef=False, trail=0, n=400000, seed=1):
    rnd = random.Random(seed)
    parent = [None]; height = [0]; owner = [None]
    def new(p, o):
        parent.append(p); height.append(height[p]+1); owner.append(o); return len(parent)-1
    def anc(a, b):  # a ancestor of b
        while b is not None and height[b] >= height[a]:
            if b == a: return True
            b = parent[b]
        return False
    def ancestor_at(b, h):
        while height[b] > h: b = parent[b]
        return b
    honest_tip = 0      # what honest miners mine on (first seen / longest)
    node_tip = 0        # attacker's node's tip (first seen wins ties)
    private = 0; unpublished = []
    published = set([0])
    race = None         # (honest, attacker, height)
    def publish(upto):
        nonlocal node_tip, honest_tip
        while unpublished and height[unpublished[0]] <= upto:
            b = unpublished.pop(0); published.add(b)
            if height[b] > height[node_tip]: node_tip = b
            if height[b] > height[honest_tip]: honest_tip = b
    for _ in range(n):
        if rnd.random() < alpha:
            public = node_tip; previous = private
            racing = previous != public and height[previous] == height[public]
            caught = previous != public and height[previous] < height[public] and height[private]+1 == height[public] and not anc(previous, public)
            b = new(private, 'a'); private = b; unpublished.append(b)
            if racing and not ef:
                publish(10**12)
            elif caught:
                publish(10**12); race = (public, b, height[public])
        else:
            p = honest_tip
            if race and height[p] == race[2] and p in (race[0], race[1]):
                p = race[1] if rnd.random() < gamma else race[0]
            b = new(p, 'h'); honest_tip = b
            if race and height[b] > race[2]: race = None
            if height[b] > height[node_tip]: node_tip = b
            public = node_tip
            if private == public: continue
            ph, qh = height[private], height[public]
            ext = anc(private, public)
            if not ext and ph < qh and qh - ph <= trail and unpublished: continue
            if ext or ph < qh:
                private = public; unpublished.clear(); continue
            d = ph - qh
            if d == 0:
                publish(10**12); race = (public, private, qh)
            elif d == 1 and not lead:
                publish(10**12)
            elif lead:
                m = ancestor_at(private, qh); publish(qh); race = (public, m, qh)
            else:
                publish(qh)
    # final chain: longest published (honest tip) 
    tip = honest_tip
    a = h = 0
    while tip:
        if owner[tip] == 'a': a += 1
        else: h += 1
        tip = parent[tip]
    return a / (a + h)


def reference(alpha, gamma, seeds=8, steps=100000, **switches):
    shares = [run(alpha, gamma, n=steps, seed=s, **switches) for s in range(seeds)]
    return statistics.mean(shares), statistics.stdev(shares) / seeds ** 0.5


if __name__ == "__main__":
    for alpha, gamma, switches in [
        (0.45, 0.5, {}),
        (0.45, 0.5, {"lead": True, "ef": True}),
        (0.25, 0.0, {}),
        (0.25, 0.0, {"lead": True}),
    ]:
        mean, se = reference(alpha, gamma, **switches)
        print(f"alpha={alpha} gamma={gamma} {switches or 'selfish'}: {mean:.4f} +- {se:.4f}")
