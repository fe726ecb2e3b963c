//! Interned strings, frames and stacks, shared by the whole trace (each
//! generation of a trace has its own IDs; the model has one set).

use rustc_hash::FxHashMap;

/// Index of an interned string; 0 is the empty string.
pub type StrId = u32;
/// Index of an interned stack; 0 is "no stack".
pub type StackId = u32;
/// Index of an interned frame.
pub type FrameId = u32;

/// Interned strings stored back to back in one buffer.
#[derive(Debug, Clone)]
pub struct StringTable {
    bytes: String,
    ends: Vec<u32>,
    index: FxHashMap<Box<str>, StrId>,
}

impl Default for StringTable {
    fn default() -> Self {
        let mut t = StringTable {
            bytes: String::new(),
            ends: Vec::new(),
            index: FxHashMap::default(),
        };
        t.intern("");
        t
    }
}

impl StringTable {
    /// The ID of `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> StrId {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = self.ends.len() as StrId;
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len() as u32);
        self.index.insert(s.into(), id);
        id
    }

    /// The ID of `s` if interned.
    pub fn lookup(&self, s: &str) -> Option<StrId> {
        self.index.get(s).copied()
    }

    /// The string of an ID ("" if out of range).
    #[inline]
    pub fn get(&self, id: StrId) -> &str {
        let i = id as usize;
        if i >= self.ends.len() {
            return "";
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True if only the empty string is present.
    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }

    /// Drops the lookup index once loading is done (saves memory).
    pub fn freeze(&mut self) {
        self.index = FxHashMap::default();
    }

    /// A copy that can intern again (its lookup index rebuilt): a detail
    /// tile starts from the whole trace's strings, so that their IDs mean
    /// the same in both.
    pub fn thawed(&self) -> StringTable {
        let mut t = StringTable {
            bytes: self.bytes.clone(),
            ends: self.ends.clone(),
            index: FxHashMap::default(),
        };
        t.index.reserve(t.ends.len());
        for id in 0..t.ends.len() as StrId {
            let s: Box<str> = t.get(id).into();
            t.index.entry(s).or_insert(id);
        }
        t
    }
}

/// One stack frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Frame {
    /// Program counter.
    pub pc: u64,
    /// Function name.
    pub func: StrId,
    /// Source file.
    pub file: StrId,
    /// Line number.
    pub line: u32,
}

/// Interned frames and stacks (lists of frames, innermost first).
#[derive(Debug, Clone)]
pub struct StackTable {
    /// All frames.
    pub frames: Vec<Frame>,
    frame_index: FxHashMap<Frame, FrameId>,
    /// Frame IDs of all stacks, back to back.
    stack_frames: Vec<FrameId>,
    /// End of each stack in `stack_frames`; stack 0 is empty.
    stack_ends: Vec<u32>,
    stack_index: FxHashMap<Box<[FrameId]>, StackId>,
}

impl Default for StackTable {
    fn default() -> Self {
        StackTable {
            frames: Vec::new(),
            frame_index: FxHashMap::default(),
            stack_frames: Vec::new(),
            stack_ends: vec![0],
            stack_index: FxHashMap::default(),
        }
    }
}

impl StackTable {
    /// The ID of a frame, adding it if new.
    pub fn intern_frame(&mut self, f: Frame) -> FrameId {
        if let Some(&id) = self.frame_index.get(&f) {
            return id;
        }
        let id = self.frames.len() as FrameId;
        self.frames.push(f);
        self.frame_index.insert(f, id);
        id
    }

    /// The ID of a stack, adding it if new (empty stacks are 0).
    pub fn intern_stack(&mut self, frames: &[FrameId]) -> StackId {
        if frames.is_empty() {
            return 0;
        }
        if let Some(&id) = self.stack_index.get(frames) {
            return id;
        }
        let id = self.stack_ends.len() as StackId;
        self.stack_frames.extend_from_slice(frames);
        self.stack_ends.push(self.stack_frames.len() as u32);
        self.stack_index.insert(frames.into(), id);
        id
    }

    /// Frame IDs of a stack, innermost first.
    #[inline]
    pub fn stack(&self, id: StackId) -> &[FrameId] {
        let i = id as usize;
        if i == 0 || i >= self.stack_ends.len() {
            return &[];
        }
        &self.stack_frames[self.stack_ends[i - 1] as usize..self.stack_ends[i] as usize]
    }

    /// Frames of a stack, innermost first.
    pub fn frames_of(&self, id: StackId) -> impl Iterator<Item = &Frame> + '_ {
        self.stack(id)
            .iter()
            .map(move |&f| &self.frames[f as usize])
    }

    /// Number of stacks (including the empty stack 0).
    pub fn len(&self) -> usize {
        self.stack_ends.len()
    }

    /// True when only the empty stack exists.
    pub fn is_empty(&self) -> bool {
        self.stack_ends.len() <= 1
    }

    /// Drops the lookup indexes once loading is done.
    pub fn freeze(&mut self) {
        self.frame_index = FxHashMap::default();
        self.stack_index = FxHashMap::default();
    }

    /// A copy that can intern again (see [`StringTable::thawed`]).
    pub fn thawed(&self) -> StackTable {
        let mut t = StackTable {
            frames: self.frames.clone(),
            frame_index: FxHashMap::default(),
            stack_frames: self.stack_frames.clone(),
            stack_ends: self.stack_ends.clone(),
            stack_index: FxHashMap::default(),
        };
        for (id, f) in t.frames.iter().enumerate() {
            t.frame_index.entry(*f).or_insert(id as FrameId);
        }
        for id in 1..t.stack_ends.len() as StackId {
            let frames: Box<[FrameId]> = t.stack(id).into();
            t.stack_index.entry(frames).or_insert(id);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable() {
        let mut s = StringTable::default();
        assert_eq!(s.intern(""), 0);
        let a = s.intern("main.main");
        assert_eq!(s.intern("main.main"), a);
        assert_eq!(s.get(a), "main.main");
        let mut st = StackTable::default();
        let f = st.intern_frame(Frame {
            pc: 1,
            func: a,
            file: 0,
            line: 3,
        });
        let id = st.intern_stack(&[f, f]);
        assert_eq!(st.intern_stack(&[f, f]), id);
        assert_eq!(st.stack(id), &[f, f]);
        assert_eq!(st.stack(0), &[] as &[FrameId]);
        s.freeze();
        st.freeze();
        let (mut s2, mut st2) = (s.thawed(), st.thawed());
        assert_eq!(s2.intern("main.main"), a);
        assert_eq!(s2.intern("other"), 2);
        assert_eq!(st2.intern_stack(&[f, f]), id);
    }
}
