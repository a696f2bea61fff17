package io.nvmfs.fuse;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * libfuse and libc for unit tests: a {@link LowLevelLib} and a {@link Libc} that record what
 * would reach the kernel (each fuse_reply_* and each write(2)). {@link #fail} makes chosen calls
 * throw an {@link Injected} Error instead of sending, as jnr would if converting their arguments
 * failed; {@link #answer} gives a function a result (default: zero).
 */
final class FakeFuse implements InvocationHandler {
    /**
     * An Error as a test injects it. Not OutOfMemoryError itself: JUnit and surefire treat that
     * as fatal to the test JVM, so a callback that let it escape would crash the run rather than
     * fail the test.
     */
    static final class Injected extends Error {
        Injected(String what) {
            super("injected: " + what);
        }
    }

    /** One call that reached the "kernel": a reply (req, then its arguments) or a write (fd, address, count). */
    record Sent(String function, List<Object> args) {
        long first() {
            return ((Number) args.get(0)).longValue();
        }
    }

    final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Function<Object[], Object>> answers = new ConcurrentHashMap<>();
    private volatile BiPredicate<String, Object[]> fail = (name, args) -> false;
    final LowLevelLib lib = (LowLevelLib) Proxy.newProxyInstance(LowLevelLib.class.getClassLoader(),
            new Class<?>[] {LowLevelLib.class}, this);
    final Libc libc = (Libc) Proxy.newProxyInstance(Libc.class.getClassLoader(), new Class<?>[] {Libc.class}, this);

    FakeFuse fail(BiPredicate<String, Object[]> which) {
        fail = which;
        return this;
    }

    FakeFuse answer(String function, Function<Object[], Object> result) {
        answers.put(function, result);
        return this;
    }

    /** What was sent for request {@code req} (replies only). */
    List<Sent> repliesTo(long req) {
        synchronized (sent) {
            return sent.stream().filter(s -> s.function().startsWith("fuse_reply_") && s.first() == req).toList();
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        String name = method.getName();
        switch (name) {
            case "toString":
                return "FakeFuse";
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            default:
                break;
        }
        Object[] a = args == null ? new Object[0] : args;
        if (fail.test(name, a)) {
            throw new Injected(name + " fails");
        }
        if (name.startsWith("fuse_reply_") || name.equals("write")) {
            sent.add(new Sent(name, List.of(a)));
        }
        Function<Object[], Object> answer = answers.get(name);
        if (answer != null) {
            return answer.apply(a);
        }
        if (name.equals("write")) {
            return a[2]; // all of it
        }
        Class<?> r = method.getReturnType();
        return r == int.class ? (Object) 0 : r == long.class ? (Object) 0L : r == double.class ? (Object) 0.0 : null;
    }
}
